import type { Kysely } from "kysely";
import { writeHealthCounts, type HealthCount, type HealthTables } from "./health-counts.js";

/**
 * Writes health counts off a hot path: a caller hands its counts over and goes on without waiting.
 * One statement at a time adds up everything handed over meanwhile, so callers pay at most one small
 * statement each, and fewer under load; with `lingerMs`, a statement waits that long for more
 * first, so a busy path pays one statement per `lingerMs` at most. Health figures are not a record
 * of what happened: counts the database refused (`onError` hears why), or that a killed process
 * held, are lost.
 */
export class HealthCountWriter {
  private queued: HealthCount[] = [];
  private writing: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<any>,
    private readonly tables: HealthTables,
    private readonly onError: (error: unknown) => void,
    private readonly options: { lingerMs?: number } = {},
  ) {}

  add(counts: readonly HealthCount[]): void {
    if (counts.length === 0) return;
    this.queued.push(...counts);
    this.writing ??= this.writeAll();
  }

  /** Waits until everything handed over was written (or refused). */
  async drain(): Promise<void> {
    await this.writing;
  }

  private async writeAll(): Promise<void> {
    const linger = this.options.lingerMs ?? 0;
    while (this.queued.length > 0) {
      if (linger > 0) await new Promise((resolve) => setTimeout(resolve, linger));
      const counts = this.queued;
      this.queued = [];
      try {
        await writeHealthCounts(this.db, this.tables, counts);
      } catch (error) {
        this.onError(error);
      }
    }
    this.writing = undefined;
  }
}
