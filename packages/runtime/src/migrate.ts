import type { Kysely } from "kysely";
import { migrateSchema, type Migration } from "@switchboard/db";
import { ErrorCodes, SwitchboardError } from "@switchboard/errors";

/** Brings a service's schema up to date at start, or stops the start with the failing migration named. */
export async function migrateOrThrow<DB>(
  db: Kysely<DB>,
  schema: string,
  migrations: Record<string, Migration>,
): Promise<void> {
  const migrated = await migrateSchema(db, schema, migrations);
  if (!migrated.ok) {
    const which = migrated.error.migration === undefined ? "" : ` at ${migrated.error.migration}`;
    throw new SwitchboardError(
      ErrorCodes.Internal,
      `migrating schema "${schema}" failed${which}: ${migrated.error.message}`,
      {
        cause: migrated.error.cause,
      },
    );
  }
}
