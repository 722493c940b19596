import type { StreamNames } from "@switchboard/bus";
import type { DeadLetterEntry } from "./dead-letter-entry.js";

/** What a retry publishes: the original payload, back where it came from, under a new broker id. */
export interface RepublishPlan {
  subject: string;
  /** The stream the subject must land in (INBOUND or EVENTS). */
  stream: string;
  /** New `Nats-Msg-Id`, so the broker's duplicate window does not drop the retry. */
  msgId: string;
  /** The id consumers dedup on and key their effects with: the first message's. */
  logicalId: string;
  headers: Record<string, string>;
}

export type PlanOutcome = { ok: true; plan: RepublishPlan } | { ok: false; reason: string };

export const MESSAGE_ID_HEADER = "Switchboard-Message-Id";
/** Names the DLQ entry a message is a retry of, so a retry that fails again can be traced back. */
export const RETRY_OF_HEADER = "Switchboard-Retry-Of";

const REPLACED = new Set([MESSAGE_ID_HEADER.toLowerCase(), RETRY_OF_HEADER.toLowerCase()]);

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}

/**
 * The logical id: one the message already carried from an earlier retry, else its original
 * `Nats-Msg-Id`, else its stream position (what the rules engine falls back to as well).
 */
export function logicalIdOf(entry: DeadLetterEntry): string {
  const carried = headerValue(entry.headers, MESSAGE_ID_HEADER);
  if (carried !== undefined && carried !== "") return carried;
  if (entry.origin.msgId !== null && entry.origin.msgId !== "") return entry.origin.msgId;
  if (entry.origin.stream !== null && entry.origin.seq !== null) {
    return `${entry.origin.stream}:${entry.origin.seq}`;
  }
  return `dlq:${entry.id}`;
}

/**
 * Only back to this org's own inbound or event subjects: the headers were copied from a message a
 * third party published, so they are checked before anything is sent where they point.
 */
export function planRepublish(
  entry: DeadLetterEntry,
  where: { namespace: string; orgId: string; streams: StreamNames },
  attempt: number,
): PlanOutcome {
  if (entry.payloadTruncatedFrom !== undefined) {
    // Republishing the excerpt would send a different message under the first one's id.
    return {
      ok: false,
      reason:
        `dead letter ${entry.id} keeps only an excerpt of its ${entry.payloadTruncatedFrom}-byte payload; ` +
        `the whole message is in ${entry.origin.stream ?? "its origin stream"} at sequence ${entry.origin.seq ?? "?"}`,
    };
  }
  const subject = entry.origin.subject;
  const kinds = [
    ["inbound", where.streams.inbound],
    ["events", where.streams.events],
  ] as const;
  const kind = kinds.find(([k]) => subject?.startsWith(`${where.namespace}.${k}.${where.orgId}.`));
  if (subject === null || kind === undefined) {
    return {
      ok: false,
      reason: `origin subject ${JSON.stringify(subject)} is not one of org "${where.orgId}"'s inbound or event subjects`,
    };
  }
  const logicalId = logicalIdOf(entry);
  const headers = Object.fromEntries([
    ...Object.entries(entry.headers).filter(([key]) => !REPLACED.has(key.toLowerCase())),
    [MESSAGE_ID_HEADER, logicalId],
    [RETRY_OF_HEADER, String(entry.id)],
  ]);
  return {
    ok: true,
    plan: {
      subject,
      stream: kind[1],
      msgId: `${logicalId}~retry-${entry.id}-${attempt}`,
      logicalId,
      headers,
    },
  };
}
