import type { FastifyReply } from "fastify";

/**
 * The long polls under way. Each gets a signal that fires when its client goes away or when the
 * server stops: a 30-second wait must not hold up a shutdown, and a poll nobody reads should
 * give its consumer back at once.
 */
export class ActivePolls {
  readonly #controllers = new Set<AbortController>();
  #closing = false;

  /** True once the server is stopping. */
  get closing(): boolean {
    return this.#closing;
  }

  begin(reply: FastifyReply): { signal: AbortSignal; end(): void } {
    const controller = new AbortController();
    this.#controllers.add(controller);
    const onClose = (): void => {
      if (!reply.raw.writableEnded) controller.abort();
    };
    reply.raw.on("close", onClose);
    return {
      signal: controller.signal,
      end: () => {
        reply.raw.off("close", onClose);
        this.#controllers.delete(controller);
      },
    };
  }

  abortAll(): void {
    this.#closing = true;
    for (const controller of this.#controllers) controller.abort();
  }
}
