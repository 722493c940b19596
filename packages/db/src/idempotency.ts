import { createHash } from "node:crypto";
import { canonicalJson } from "@switchboard/canonical-json";
import { ConflictError, ValidationError } from "@switchboard/errors";
import { sql } from "kysely";
import { deleteInBatches } from "./delete-in-batches.js";
import type { Kysely, Transaction } from "kysely";
import { IDEMPOTENCY_TABLE, type IdempotencyTables } from "./idempotency.migration.js";
import { assertSchemaName } from "./schema-name.js";
import { tablesOf } from "./tables.js";

export type IdempotentCommand = {
  orgId: string;
  /** The command's idempotency key; undefined runs the work without recording it. */
  key: string | undefined;
  /** What the key was used for, e.g. "plans.create"; a key reused for another operation conflicts. */
  operation: string;
  /** The command's input; its canonical JSON hash must match on every repeat of the key. */
  request: unknown;
};

export type IdempotentOutcome<T> = { result: T; replayed: boolean };

const MAX_KEY_LENGTH = 512;

/**
 * Runs `work` at most once per (org, key) and returns its first result to every repeat.
 *
 * All in one transaction: the key row is inserted before `work` runs, so a concurrent caller with
 * the same key blocks on that row until the first commits (then replays) or rolls back (then runs
 * `work` itself). If `work` throws, its writes and the key vanish together and a retry runs again.
 * The result is stored as JSON and returned as its JSON round trip on every path, so the first
 * answer and a replay are the same value: return plain data, not Dates or class instances.
 * Use `trx` for every query in `work`; on PGlite a query on the outer handle would wait forever.
 *
 * Throws ConflictError (SB_ERR_CONFLICT) when the key was used for a different operation or request.
 */
export async function runIdempotent<DB extends IdempotencyTables, T>(
  db: Kysely<DB>,
  schema: string,
  command: IdempotentCommand,
  work: (trx: Transaction<DB>) => Promise<T>,
): Promise<IdempotentOutcome<T>> {
  assertSchemaName(schema);
  const { key } = command;
  if (key === undefined) {
    const result = await db.transaction().execute(async (trx) => fromJson<T>(toJson(await work(trx))));
    return { result, replayed: false };
  }
  assertKey(key);
  const requestHash = hashRequest(command.request);
  // Read committed: after waiting on a concurrent insert of the key, the next statement must see its commit.
  return db
    .transaction()
    .setIsolationLevel("read committed")
    .execute(async (trx) => {
      const keys = tablesOf<DB, IdempotencyTables>(trx).withSchema(schema);
      if (!(await claimKey(keys, command.orgId, key, command.operation, requestHash))) {
        return replay<T>(keys, command, key, requestHash);
      }
      const json = toJson(await work(trx));
      await keys
        .updateTable(IDEMPOTENCY_TABLE)
        .set({ result: json })
        .where("org_id", "=", command.orgId)
        .where("key", "=", key)
        .execute();
      return { result: fromJson<T>(json), replayed: false };
    });
}

/** Inserts the key row; false when it already exists (committed by an earlier caller). */
async function claimKey(
  keys: Kysely<IdempotencyTables>,
  orgId: string,
  key: string,
  operation: string,
  requestHash: string,
): Promise<boolean> {
  const inserted = await keys
    .insertInto(IDEMPOTENCY_TABLE)
    .values({ org_id: orgId, key, operation, request_hash: requestHash })
    .onConflict((conflict) => conflict.columns(["org_id", "key"]).doNothing())
    .returning("key")
    .executeTakeFirst();
  return inserted !== undefined;
}

async function replay<T>(
  keys: Kysely<IdempotencyTables>,
  command: IdempotentCommand,
  key: string,
  requestHash: string,
): Promise<IdempotentOutcome<T>> {
  const stored = await keys
    .selectFrom(IDEMPOTENCY_TABLE)
    .select(["operation", "request_hash", "result", sql<boolean>`result is null`.as("no_result")])
    .where("org_id", "=", command.orgId)
    .where("key", "=", key)
    .executeTakeFirstOrThrow();
  if (stored.operation !== command.operation || stored.request_hash !== requestHash) {
    throw new ConflictError(`idempotency key "${key}" was already used for a different request`, {
      details: { key, operation: stored.operation },
    });
  }
  // SQL NULL means work returned undefined; a JSON null reads back as null too, so ask which it was.
  return { result: (stored.no_result ? undefined : stored.result) as T, replayed: true };
}

export function assertKey(key: string): void {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new ValidationError(`an idempotency key must have 1 to ${MAX_KEY_LENGTH} characters`);
  }
}

export function hashRequest(request: unknown): string {
  return createHash("sha256").update(canonicalJson(request)).digest("hex");
}

/** JSON text of a result; null for undefined, which JSON cannot hold. */
export function toJson(value: unknown): string | null {
  return JSON.stringify(value) ?? null;
}

export function fromJson<T>(json: string | null): T {
  return (json === null ? undefined : JSON.parse(json)) as T;
}

/**
 * Forgets the keys recorded before `before`: a repeat of one after that runs again. Keep them at
 * least as long as anything may be retried (a dead letter retried from the desk).
 */
export function deleteIdempotencyKeysBefore<DB extends IdempotencyTables>(
  db: Kysely<DB>,
  schema: string,
  before: Date,
): Promise<number> {
  return deleteInBatches(
    tablesOf<DB, IdempotencyTables>(db),
    schema,
    IDEMPOTENCY_TABLE,
    sql`created_at < ${before}`,
  );
}
