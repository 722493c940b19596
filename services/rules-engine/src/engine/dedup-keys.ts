import { createHash } from "node:crypto";
import { canonicalJson } from "@switchboard/canonical-json";
import { dedupKeyOf, type DedupSpec } from "@switchboard/rules";

export type DedupKind = "id" | "payload" | "key";
export interface DedupKey {
  kind: DedupKind;
  value: string;
}

/**
 * The keys under which a message counts as already processed. By default its id and its canonical
 * payload ("the same data", whatever the key order), so a resend and a copy with a new id are both
 * duplicates. The first key names the message in action idempotency keys.
 */
export function dedupKeys(spec: DedupSpec, messageId: string, payload: unknown): DedupKey[] {
  const id: DedupKey = { kind: "id", value: messageId };
  switch (spec.mode) {
    case "id":
      return [id];
    case "key": {
      const key = dedupKeyOf(spec, payload);
      return key === undefined ? [id] : [{ kind: "key", value: key }];
    }
    default:
      return [
        id,
        { kind: "payload", value: createHash("sha256").update(canonicalJson(payload)).digest("hex") },
      ];
  }
}

/** Names a message in its actions' idempotency keys and its runs: its first dedup key. */
export function dedupKeyName(keys: readonly DedupKey[]): string {
  return `${keys[0]!.kind}:${keys[0]!.value}`;
}
