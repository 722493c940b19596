import type { ColumnType } from "kysely";

/** int8 and bigserial as the type parsers read them: a number when it is exact as one, else a bigint. */
export type Int8 = number | bigint;

/**
 * jsonb: read as the parsed value, written as JSON text (node-postgres would send an array as a
 * PostgreSQL array, not as JSON).
 */
export type Json<T> = ColumnType<T, string, string>;

/** jsonb with a default: an insert may leave it out. */
export type JsonWithDefault<T> = ColumnType<T, string | undefined, string>;
