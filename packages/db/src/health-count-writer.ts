import type { Kysely } from "kysely";
import { writeHealthCounts, type HealthCount, type HealthTables } from "./health-counts.js";
import { WriteBehind } from "./write-behind.js";

/**
 * Writes health counts off a hot path (a WriteBehind): a caller hands its counts over and goes on;
 * one statement adds up everything handed over meanwhile (after `lingerMs`, if given). Health
 * figures are not a record of what happened: counts the database refused (`onError` hears why), or
 * that a killed process held, are lost.
 */
export class HealthCountWriter extends WriteBehind<HealthCount> {
  constructor(
    db: Kysely<any>,
    tables: HealthTables,
    onError: (error: unknown) => void,
    options: { lingerMs?: number } = {},
  ) {
    super((counts) => writeHealthCounts(db, tables, counts), onError, options);
  }
}
