import type { Logger } from "@switchboard/logger";
import { WriteBehind } from "@switchboard/db";
import type { OutboxClaim } from "./enqueue.js";
import { inOrder, type OutboxRow } from "./outbox.table.js";

/**
 * Publishing straight after the commit: the writer enqueues its events claimed by the relay
 * (enqueuingClaimedEvents with `claim`) and, once its transaction commits, hands the rows over.
 */
export interface OutboxHandoff {
  readonly claim: OutboxClaim;
  /**
   * Publishes the rows now, in order, and marks them published (marks of handoffs that come
   * together share a statement). Returns at once: a row that fails is given back to the relay's
   * passes, which retry it as any other row.
   */
  publish(rows: readonly OutboxRow[]): void;
}

/** What a handoff uses of its relay: the same publish, mark and settling the relay's passes use. */
export interface HandoffParts {
  claim: OutboxClaim;
  running(): boolean;
  publishRows(rows: OutboxRow[]): Promise<PromiseSettledResult<unknown>[]>;
  markPublished(rows: OutboxRow[]): Promise<void>;
  /** Sets aside or gives back the rows that failed; says whether one was given back. */
  settleFailures(
    rows: readonly OutboxRow[],
    results: readonly PromiseSettledResult<unknown>[],
  ): Promise<{ reason: unknown } | undefined>;
  /** Asks the relay for a pass now. */
  kick(): void;
  onPublished?: ((messageIds: string[]) => void) | undefined;
  markLingerMs: number;
  log: Logger;
}

/** A relay's handoff; `idle()` settles when the handoffs under way and their marks are done. */
export function createHandoff(parts: HandoffParts): OutboxHandoff & { idle(): Promise<void> } {
  const { log } = parts;
  const underWay = new Set<Promise<void>>();
  // Published but unmarked rows whose mark failed: after their lease a pass publishes them again
  // (the broker drops the repeat) and marks them.
  const marks = new WriteBehind<OutboxRow>(
    async (rows) => {
      await parts.markPublished(rows);
      parts.onPublished?.(rows.map((r) => r.message_id));
    },
    (error, rows) =>
      log.warn({ err: error, rows: rows.length }, "could not mark handed-off outbox rows published"),
    { lingerMs: parts.markLingerMs },
  );

  async function handOff(rows: OutboxRow[]): Promise<void> {
    const results = await parts.publishRows(rows);
    marks.add(rows.filter((_, i) => results[i]!.status === "fulfilled"));
    // A row given back waits for a pass: ask for one now.
    if ((await parts.settleFailures(rows, results)) !== undefined) parts.kick();
  }

  return {
    claim: parts.claim,
    publish(rows) {
      // Stopped: the rows are any relay's once their lease is over.
      if (rows.length === 0 || !parts.running()) return;
      const handoff = handOff(inOrder(rows))
        .catch((error: unknown) =>
          log.warn({ err: error }, "outbox handoff failed; its rows wait for their lease"),
        )
        .finally(() => underWay.delete(handoff));
      underWay.add(handoff);
    },
    async idle() {
      await Promise.all(underWay);
      await marks.drain();
    },
  };
}
