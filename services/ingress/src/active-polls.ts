import type { FastifyReply } from "fastify";
import { ErrorCodes, SwitchboardError } from "@switchboard/errors";

export interface PollLimits {
  /** Polls one API key may have open at once. */
  perKey: number;
  /** Polls one org may have open at once, all its keys together. */
  perOrg: number;
}

/**
 * The long polls under way. Each gets a signal that fires when its client goes away or when the
 * server stops: a 30-second wait must not hold up a shutdown, and a poll nobody reads should
 * give its consumer back at once. Each also holds a place: a key, and an org, may have only so
 * many open at once, since each holds a consumer on the events stream while it waits.
 */
export class ActivePolls {
  readonly #controllers = new Set<AbortController>();
  readonly #byKey = new Map<string, number>();
  readonly #byOrg = new Map<string, number>();
  #closing = false;

  constructor(private readonly limits: PollLimits) {}

  /** True once the server is stopping. */
  get closing(): boolean {
    return this.#closing;
  }

  /** Throws SB_ERR_RATE_LIMITED (429) when the key or the org has its limit of polls open. */
  begin(reply: FastifyReply, who: { keyId: string; orgId: string }): { signal: AbortSignal; end(): void } {
    const keyOpen = this.#byKey.get(who.keyId) ?? 0;
    const orgOpen = this.#byOrg.get(who.orgId) ?? 0;
    if (keyOpen >= this.limits.perKey || orgOpen >= this.limits.perOrg) {
      const which =
        keyOpen >= this.limits.perKey
          ? `this API key has ${keyOpen} polls open (at most ${this.limits.perKey})`
          : `org "${who.orgId}" has ${orgOpen} polls open (at most ${this.limits.perOrg})`;
      throw new SwitchboardError(ErrorCodes.RateLimited, `${which}; wait for one to answer`, {
        details: { retryAfterSeconds: 1 },
      });
    }
    this.#byKey.set(who.keyId, keyOpen + 1);
    this.#byOrg.set(who.orgId, orgOpen + 1);
    const controller = new AbortController();
    this.#controllers.add(controller);
    const onClose = (): void => {
      if (!reply.raw.writableEnded) controller.abort();
    };
    reply.raw.on("close", onClose);
    let ended = false;
    return {
      signal: controller.signal,
      end: () => {
        if (ended) return;
        ended = true;
        reply.raw.off("close", onClose);
        this.#controllers.delete(controller);
        release(this.#byKey, who.keyId);
        release(this.#byOrg, who.orgId);
      },
    };
  }

  abortAll(): void {
    this.#closing = true;
    for (const controller of this.#controllers) controller.abort();
  }
}

function release(counts: Map<string, number>, id: string): void {
  const left = (counts.get(id) ?? 1) - 1;
  if (left <= 0) counts.delete(id);
  else counts.set(id, left);
}
