import {
  createInbox,
  headers as natsHeaders,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription,
} from "@nats-io/nats-core";
import { ErrorCodes, SwitchboardError, UnavailableError, ValidationError } from "@switchboard/errors";

/** What JetStream answered for a stored message. */
export interface PubAck {
  stream: string;
  seq: number;
  /** The broker already held this Nats-Msg-Id: nothing new was stored. */
  duplicate: boolean;
}

export interface PipelinedMessage {
  subject: string;
  data: Uint8Array;
  /** Becomes `Nats-Msg-Id`. */
  msgId: string;
  headers: Record<string, string>;
  /** Refuse unless the subject lands in this stream (`Nats-Expected-Stream`). */
  expectStream: string;
}

export interface PipelinedPublisherOptions {
  /** How long a PubAck may take before the publish is failed as unavailable. */
  timeoutMs?: number;
  nowMs?: () => number;
}

type Waiter = {
  resolve: (ack: PubAck) => void;
  reject: (error: Error) => void;
  deadline: number;
  subject: string;
};

type Queued = Pick<PipelinedMessage, "subject" | "data"> &
  Pick<Waiter, "resolve" | "reject"> & { headers: MsgHdrs };

/**
 * JetStream publishes of many concurrent requests, sent together. The client writes to the socket
 * once per turn of its microtask queue, and each HTTP request is handled in a turn of its own, so
 * publishing from the handler costs one socket write per event; here every publish asked for
 * during one turn of the event loop goes out in one write (at the next `setImmediate`). The
 * PubAcks come back to one subscription on the connection's inbox, matched by the reply subject's
 * token, with one timer for every deadline, instead of a request object, a timer and an error
 * object (for its stack trace) per message. A publish still resolves only on its own PubAck.
 */
export class PipelinedPublisher {
  readonly #nc: NatsConnection;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #waiting = new Map<string, Waiter>();
  #inbox: string | undefined;
  #subscription: Subscription | undefined;
  #queue: Queued[] = [];
  #next = 0;
  #sweeper: NodeJS.Timeout | undefined;
  /** No new publish is taken. */
  #stopped = false;

  constructor(nc: NatsConnection, options: PipelinedPublisherOptions = {}) {
    this.#nc = nc;
    this.#timeoutMs = options.timeoutMs ?? 5_000;
    this.#now = options.nowMs ?? Date.now;
  }

  /** Resolves with the PubAck; rejects with a SwitchboardError when the message may not be stored. */
  publish(message: PipelinedMessage): Promise<PubAck> {
    if (this.#stopped) return Promise.reject(new UnavailableError("the publisher is stopped"));
    let headers: MsgHdrs;
    try {
      headers = natsHeaders();
      for (const key in message.headers) headers.set(key, message.headers[key]!);
      headers.set("Nats-Msg-Id", message.msgId);
      headers.set("Nats-Expected-Stream", message.expectStream);
    } catch (error) {
      return Promise.reject(
        new ValidationError(`invalid message header: ${messageOf(error)}`, { cause: error }),
      );
    }
    return new Promise<PubAck>((resolve, reject) => {
      if (this.#queue.length === 0) setImmediate(this.#flush);
      this.#queue.push({ subject: message.subject, data: message.data, headers, resolve, reject });
    });
  }

  /**
   * Takes no more publishes and waits for the PubAcks of those under way (each until its
   * deadline), so a request being answered as the service stops still learns whether it was stored.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    while (this.#queue.length > 0 || this.#waiting.size > 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    if (!this.#nc.isClosed()) this.#subscription?.unsubscribe();
  }

  readonly #flush = (): void => {
    const queue = this.#queue;
    this.#queue = [];
    let inbox: string;
    try {
      inbox = this.#listen();
    } catch (error) {
      // The connection is closed: nothing can be sent (and this runs outside any caller's try).
      const failure = new UnavailableError(`publish: ${messageOf(error)}`, { cause: error });
      for (const m of queue) m.reject(failure);
      return;
    }
    const deadline = this.#now() + this.#timeoutMs;
    for (const m of queue) {
      const token = (this.#next++).toString(36);
      try {
        this.#nc.publish(m.subject, m.data, { reply: `${inbox}.${token}`, headers: m.headers });
      } catch (error) {
        m.reject(new UnavailableError(`publish to ${m.subject}: ${messageOf(error)}`, { cause: error }));
        continue;
      }
      this.#waiting.set(token, { resolve: m.resolve, reject: m.reject, deadline, subject: m.subject });
    }
    if (this.#waiting.size > 0) this.#sweeper ??= setInterval(this.#sweep, Math.min(250, this.#timeoutMs));
  };

  /** Subscribes to the replies once; the client renews the subscription after a reconnect. */
  #listen(): string {
    if (this.#inbox !== undefined) return this.#inbox;
    const inbox = createInbox(inboxPrefixOf(this.#nc));
    const from = inbox.length + 1;
    this.#subscription = this.#nc.subscribe(`${inbox}.*`, {
      callback: (error, msg) => {
        if (error === null) this.#settle(msg.subject.slice(from), msg);
        else this.#lost(error);
      },
    });
    this.#inbox = inbox;
    return inbox;
  }

  #settle(token: string, msg: Msg): void {
    const waiter = this.#waiting.get(token);
    if (waiter === undefined) return; // timed out already
    this.#waiting.delete(token);
    const answer = readPubAck(msg, waiter.subject);
    if (answer instanceof Error) waiter.reject(answer);
    else waiter.resolve(answer);
  }

  /** The subscription ended (refused, say): no PubAck can come to it; the next flush subscribes again. */
  #lost(error: Error): void {
    this.#inbox = undefined;
    this.#subscription = undefined;
    const failure = new UnavailableError(`the PubAcks cannot be received: ${error.message}`, {
      cause: error,
    });
    for (const waiter of this.#waiting.values()) waiter.reject(failure);
    this.#waiting.clear();
  }

  readonly #sweep = (): void => {
    const now = this.#now();
    for (const [token, waiter] of this.#waiting) {
      if (waiter.deadline > now) continue;
      this.#waiting.delete(token);
      waiter.reject(
        new UnavailableError(`publish to ${waiter.subject}: no PubAck within ${this.#timeoutMs} ms`),
      );
    }
    if (this.#waiting.size === 0) {
      clearInterval(this.#sweeper);
      this.#sweeper = undefined;
    }
  };
}

/** The PubAck, or the error JetStream answered with (4xx: refused, as configured; else unavailable). */
function readPubAck(msg: Msg, subject: string): PubAck | SwitchboardError {
  if (msg.data.length === 0 && msg.headers?.code === 503) {
    return new UnavailableError(`publish to ${subject}: no JetStream responder (no stream for the subject?)`);
  }
  let answer: { stream?: unknown; seq?: unknown; duplicate?: unknown; error?: JetStreamApiFailure };
  try {
    answer = msg.json();
  } catch (error) {
    return new UnavailableError(`publish to ${subject}: unreadable PubAck`, { cause: error });
  }
  if (answer.error !== undefined) {
    const { code, err_code: apiCode, description } = answer.error;
    return new SwitchboardError(
      code >= 500 ? ErrorCodes.Unavailable : ErrorCodes.Config,
      `publish to ${subject}: ${description}`,
      { details: { apiCode, status: code } },
    );
  }
  if (typeof answer.stream !== "string" || answer.stream === "" || typeof answer.seq !== "number") {
    return new UnavailableError(`publish to ${subject}: invalid PubAck`);
  }
  return { stream: answer.stream, seq: answer.seq, duplicate: answer.duplicate === true };
}

type JetStreamApiFailure = { code: number; err_code?: number; description: string };

/**
 * The inbox prefix the connection was opened with: a service user may subscribe to its own inbox
 * only (`_INBOX.<service>`). The client keeps it in its options and offers no getter.
 */
function inboxPrefixOf(nc: NatsConnection): string | undefined {
  return (nc as unknown as { options?: { inboxPrefix?: string } }).options?.inboxPrefix;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
