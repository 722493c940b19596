import { err, ok, type Result } from "@switchboard/errors";
import { decryptSecret, encryptDeterministic, type Keyring } from "@switchboard/secrets";

/** Where a poll resumes, as the client sees it: opaque, and only good for its own org. */
export interface CursorCodec {
  /** The cursor of a position in the events stream, for an org. */
  encode(orgId: string, seq: number): string;
  /** The position a cursor names; "0" is the start. Another org's cursor, or a forged one, is an error. */
  decode(orgId: string, cursor: string): Result<number, string>;
}

export const START_CURSOR = "0";

/**
 * The EVENTS stream holds every org's events, so its sequence numbers tell how much the other orgs
 * publish between two of yours. A cursor is therefore the position sealed (AES-256-GCM with the
 * secrets keyring, bound to the org): it shows nothing, and is the same text for the same position.
 */
export function cursorCodec(keyring: Keyring): CursorCodec {
  const aad = (orgId: string) => `poll-cursor/${orgId}`;
  return {
    encode: (orgId, seq) =>
      seq === 0 ? START_CURSOR : encryptDeterministic(keyring, String(seq), aad(orgId)),
    decode(orgId, cursor) {
      if (cursor === START_CURSOR) return ok(0);
      const opened = decryptSecret(keyring, cursor, aad(orgId));
      if (!opened.ok) {
        return err(
          opened.error.code === "unknown-key"
            ? "the cursor was made with a key no longer in use; start again from 0"
            : "the cursor is not one this org was given",
        );
      }
      const seq = Number(opened.value);
      return Number.isSafeInteger(seq) && seq >= 0
        ? ok(seq)
        : err("the cursor is not one this org was given");
    },
  };
}
