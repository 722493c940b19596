export { openDatabase, ping } from "./database.js";
export type {
  Database,
  DatabaseLogger,
  OpenDatabaseOptions,
  PostgresOptions,
  PgliteOptions,
} from "./database.types.js";
export { migrateSchema } from "./migrate-schema.js";
export type { Migration, MigrationFailure } from "./migrate-schema.js";
export { idempotencyMigration, idempotencyRetentionMigration } from "./idempotency.migration.js";
export type { IdempotencyTables } from "./idempotency.migration.js";
export { schemaTables, tablesOf } from "./tables.js";
export type { Int8, Json, JsonWithDefault } from "./column-types.js";
export { deleteIdempotencyKeysBefore, runIdempotent } from "./idempotency.js";
export { runIdempotentBatch } from "./idempotency-batch.js";
export type { AfterCommit, BatchOutcome } from "./idempotency-batch.js";
export { executeTogether } from "./execute-together.js";
export type { Statement } from "./execute-together.js";
export { jsonRecords, recordsJson } from "./json-records.js";
export { deleteInBatches } from "./delete-in-batches.js";
export type { IdempotentCommand, IdempotentOutcome } from "./idempotency.js";
export {
  HOUR_MS,
  deleteHealthHoursBefore,
  healthTablesMigration,
  hourOf,
  mergeHealthCounts,
  noCount,
  readHealthFigures,
  writeHealthCounts,
} from "./health-counts.js";
export type { HealthCount, HealthFiguresRow, HealthTables } from "./health-counts.js";
export { HealthCountWriter } from "./health-count-writer.js";
export { WriteBehind } from "./write-behind.js";
