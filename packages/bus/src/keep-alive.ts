import type { JsMsg } from "@nats-io/jetstream";

/**
 * Keeps the messages a loop is working on from being redelivered while their handlers run: one
 * timer for all of them, ticking every `intervalMs` while any is held, tells the server each held
 * message is still being worked on (`working()`, which restarts its ack wait). A message held at
 * any moment is told within `intervalMs`, and again every `intervalMs`, so an interval below the
 * ack wait keeps it; a timer per message would do the same at the cost of one timer each.
 */
export class KeepAlive {
  private readonly held = new Map<JsMsg, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs: number) {}

  /** Holds `m` while `work` runs. */
  async during<T>(m: JsMsg, work: () => Promise<T>): Promise<T> {
    this.held.set(m, (this.held.get(m) ?? 0) + 1);
    this.timer ??= setInterval(this.tick, this.intervalMs);
    try {
      return await work();
    } finally {
      this.release(m);
    }
  }

  private release(m: JsMsg): void {
    const holds = (this.held.get(m) ?? 1) - 1;
    if (holds > 0) this.held.set(m, holds);
    else this.held.delete(m);
    if (this.held.size === 0 && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private readonly tick = (): void => {
    for (const m of this.held.keys()) {
      try {
        m.working();
      } catch {
        // Connection closed: nothing to extend; the settle step will notice.
      }
    }
  };
}
