import type { JsMsg } from "@nats-io/jetstream";
import type { ServiceContext } from "@switchboard/runtime";

export interface PolledEvent {
  seq: number;
  /** As the bus stored it: every event on the stream is a JSON object. */
  event: Record<string, unknown>;
}

/** Events looked at per poll, matching or not: a rare type costs bounded work per request. */
export const MAX_SCANNED = 5_000;
/** Past this, a response stops growing (it always holds at least one event). */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/**
 * What one poll has gathered so far. `last` is the last sequence settled (returned or skipped):
 * where the next poll may start.
 */
export class EventScan {
  readonly events: PolledEvent[] = [];
  last: number;
  /** `limit` events, or the byte cap: the response is complete. */
  full = false;
  readonly #types: ReadonlySet<string> | undefined;
  readonly #limit: number;
  readonly #logger: ServiceContext["logger"];
  #bytes = 0;
  #scanned = 0;

  /** `typesInCode`: the types to keep here (when the server could not filter them), or none. */
  constructor(
    after: number,
    limit: number,
    typesInCode: readonly string[],
    logger: ServiceContext["logger"],
  ) {
    this.last = after;
    this.#limit = limit;
    this.#types = typesInCode.length > 0 ? new Set(typesInCode) : undefined;
    this.#logger = logger;
  }

  get done(): boolean {
    return this.full || this.#scanned >= MAX_SCANNED;
  }

  /** How many more messages are worth pulling at once. */
  get wanted(): number {
    const left = this.#types === undefined ? this.#limit - this.events.length : MAX_SCANNED - this.#scanned;
    return Math.max(1, left);
  }

  /** Returns the message or skips it (another type, not JSON); false when it did not fit and stays unread. */
  settle(message: JsMsg): boolean {
    if (this.#types !== undefined && !this.#types.has(typeOf(message.subject))) return this.#advance(message);
    let event: Record<string, unknown>;
    try {
      event = message.json<Record<string, unknown>>();
    } catch {
      this.#logger.warn(
        { subject: message.subject, seq: message.seq },
        "event that is not JSON skipped by a poll",
      );
      return this.#advance(message);
    }
    if (this.events.length > 0 && this.#bytes + message.data.length > MAX_RESPONSE_BYTES) {
      this.full = true;
      return false;
    }
    this.events.push({ seq: message.seq, event });
    this.#bytes += message.data.length;
    if (this.events.length >= this.#limit) this.full = true;
    return this.#advance(message);
  }

  #advance(message: JsMsg): true {
    this.last = message.seq;
    this.#scanned++;
    return true;
  }
}

/** `<ns>.events.<org>.<type>`: the last token. */
function typeOf(subject: string): string {
  return subject.slice(subject.lastIndexOf(".") + 1);
}
