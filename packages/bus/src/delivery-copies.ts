import type { JsMsg } from "@nats-io/jetstream";

/** How a message was settled: acked (done or dead-lettered), or nak'd to come again after `delayMs`. */
export type Settlement = { kind: "acked" } | { kind: "nak"; delayMs: number };

/** How many acked stream sequences a loop remembers. */
const REMEMBERED_ACKS = 10_000;

/**
 * nats-server before 2.10.14 can hand a pull consumer a message it already delivered, as if it were
 * new (delivery count 1): when a message due for redelivery finds only pull requests that expired
 * or lost their subscriber, the server steps its "next new message" back by one, so the message
 * delivered last is sent again, even when it was acked long ago or is still being handled
 * (nats-server #5305). A loop pulls with short requests that can lose their subscriber (a fetch
 * that missed heartbeats, a replica that stopped), so this happens under load.
 *
 * This tracks, per loop, the messages being handled and those acked lately by stream sequence,
 * which is the one thing all copies share: a copy of a running message waits for it and is settled
 * the same way; a copy of an acked one is acked. The handler runs once either way. (Copies reaching
 * another replica are the handler's to recognise: its own records say what was done.)
 */
export class DeliveryCopies {
  private readonly running = new Map<number, Promise<Settlement>>();
  private readonly acked = new Set<number>();

  /** What to do with a message: run it, or settle it as a copy of one already handled. */
  classify(
    seq: number,
  ): { kind: "new" } | { kind: "acked" } | { kind: "running"; first: Promise<Settlement> } {
    if (this.acked.has(seq)) return { kind: "acked" };
    const first = this.running.get(seq);
    return first === undefined ? { kind: "new" } : { kind: "running", first };
  }

  /** Tracks the message's handling until it is settled, and remembers an ack. */
  track(seq: number, handling: Promise<Settlement>): Promise<Settlement> {
    const tracked = handling.then((settlement) => {
      if (settlement.kind === "acked") this.rememberAck(seq);
      return settlement;
    });
    this.running.set(seq, tracked);
    void tracked.finally(() => {
      if (this.running.get(seq) === tracked) this.running.delete(seq);
    });
    return tracked;
  }

  private rememberAck(seq: number): void {
    this.acked.add(seq);
    if (this.acked.size > REMEMBERED_ACKS) {
      const oldest = this.acked.values().next().value;
      if (oldest !== undefined) this.acked.delete(oldest);
    }
  }
}

/** Settles a copy as its first delivery was settled. Never throws. */
export function settleCopy(m: JsMsg, settlement: Settlement): void {
  try {
    if (settlement.kind === "acked") m.ack();
    else m.nak(settlement.delayMs);
  } catch {
    // Connection closed: the server redelivers after the ack wait, and the copy is recognised again.
  }
}
