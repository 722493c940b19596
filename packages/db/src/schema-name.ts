import { InvalidNameError } from "@switchboard/errors";

// Lower-case, unquoted-identifier style, within PostgreSQL's 63-byte identifier limit.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Rejects schema names that would need quoting or be truncated by PostgreSQL. */
export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema) || schema.startsWith("pg_")) {
    throw new InvalidNameError(
      `schema name "${schema}" is invalid: use lower-case letters, digits and underscores (at most 63, not starting with a digit or "pg_")`,
    );
  }
}
