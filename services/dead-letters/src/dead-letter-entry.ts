import { DeadLetterHeaders } from "@switchboard/bus";
import { exceedsDepth } from "@switchboard/http";

/** A DLQ message as read from the stream, before it is interpreted. */
export interface StoredLetter {
  seq: number;
  subject: string;
  /** Header name → values, as stored. */
  headers: ReadonlyMap<string, readonly string[]>;
  data: Uint8Array;
  storedAt: Date;
}

export interface Origin {
  stream: string | null;
  seq: number | null;
  subject: string | null;
  consumer: string | null;
  msgId: string | null;
}

export type PayloadEncoding = "json" | "text" | "base64";

/** A dead letter as the desk shows it (without its trail and status). */
export interface DeadLetterEntry {
  /** The DLQ stream sequence. */
  id: number;
  stage: string;
  reason: string;
  details: unknown;
  origin: Origin;
  deliveries: number | null;
  deadAt: string;
  /** The original message's headers (the DLQ's own annotations and broker headers left out). */
  headers: Record<string, string>;
  payload: unknown;
  payloadEncoding: PayloadEncoding;
  /**
   * Present when the original filled NATS's max_payload, so the entry keeps only an excerpt (and not
   * the original headers): the original's size in bytes. The origin stream still holds it whole.
   */
  payloadTruncatedFrom?: number;
}

const ANNOTATIONS = new Set<string>(Object.values(DeadLetterHeaders).map((h) => h.toLowerCase()));
const utf8 = new TextDecoder("utf-8", { fatal: true });

const first = (letter: StoredLetter, name: string): string | null => {
  for (const [key, values] of letter.headers) {
    if (key.toLowerCase() === name.toLowerCase()) return values[0] ?? null;
  }
  return null;
};

const integer = (text: string | null): number | null => {
  const n = text === null ? Number.NaN : Number(text);
  return Number.isSafeInteger(n) ? n : null;
};

/** The headers the original message carried, without `Nats-*` and the DLQ's annotations. */
export function originalHeaders(letter: StoredLetter): Record<string, string> {
  const kept: [string, string][] = [];
  for (const [key, values] of letter.headers) {
    const lower = key.toLowerCase();
    if (lower.startsWith("nats-") || ANNOTATIONS.has(lower) || values[0] === undefined) continue;
    kept.push([key, values[0]]);
  }
  // fromEntries defines own properties, so a header named "__proto__" is kept like any other.
  return Object.fromEntries(kept);
}

/** Deeper JSON is shown as text: a listing serializes every payload, and 200,000 levels overflow the stack. */
const MAX_SHOWN_DEPTH = 64;

/** JSON when it parses, else the text, else (not UTF-8) base64: the bytes are shown, never hidden. */
export function decodePayload(data: Uint8Array): { payload: unknown; payloadEncoding: PayloadEncoding } {
  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    return { payload: Buffer.from(data).toString("base64"), payloadEncoding: "base64" };
  }
  if (exceedsDepth(text, MAX_SHOWN_DEPTH)) return { payload: text, payloadEncoding: "text" };
  try {
    return { payload: JSON.parse(text), payloadEncoding: "json" };
  } catch {
    return { payload: text, payloadEncoding: "text" };
  }
}

function parseDetails(raw: string | null): unknown {
  if (raw === null) return null;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** The last subject token: the stage as the subject (and the `stage` filter) spells it. */
export function stageTokenOf(subject: string): string {
  return subject.split(".").at(-1) ?? "";
}

export function toEntry(letter: StoredLetter): DeadLetterEntry {
  return {
    id: letter.seq,
    stage: first(letter, DeadLetterHeaders.Stage) ?? stageTokenOf(letter.subject),
    reason: first(letter, DeadLetterHeaders.Reason) ?? "",
    details: parseDetails(first(letter, DeadLetterHeaders.Details)),
    origin: {
      stream: first(letter, DeadLetterHeaders.OriginStream),
      seq: integer(first(letter, DeadLetterHeaders.OriginSeq)),
      subject: first(letter, DeadLetterHeaders.OriginSubject),
      consumer: first(letter, DeadLetterHeaders.OriginConsumer),
      msgId: first(letter, DeadLetterHeaders.OriginMsgId),
    },
    deliveries: integer(first(letter, DeadLetterHeaders.Deliveries)),
    deadAt: letter.storedAt.toISOString(),
    headers: originalHeaders(letter),
    ...decodePayload(letter.data),
    ...truncation(letter),
  };
}

function truncation(letter: StoredLetter): { payloadTruncatedFrom?: number } {
  const bytes = integer(first(letter, DeadLetterHeaders.Truncated));
  return bytes === null ? {} : { payloadTruncatedFrom: bytes };
}
