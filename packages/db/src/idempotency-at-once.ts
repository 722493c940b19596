import type { Kysely } from "kysely";
import { executeTogether, type Statement } from "./execute-together.js";
import type { BatchOutcome } from "./idempotency-batch.js";
import { IDEMPOTENCY_TABLE, type IdempotencyTables } from "./idempotency.migration.js";
import { assertKey, fromJson, hashRequest, toJson, type IdempotentCommand } from "./idempotency.js";
import { assertSchemaName } from "./schema-name.js";
import { tablesOf } from "./tables.js";

/** What a batch's work writes, made without reading the database: its statements and each command's result. */
export interface PlannedWork<T> {
  /** One result per command, in order. */
  results: T[];
  /** The writes, none of which reads another's rows (executeTogether). */
  statements: readonly (Statement | undefined)[];
}

/**
 * The usual case of runIdempotentBatch in one statement, outside any transaction: every command has
 * a key of its own, none stored yet, and its work can be planned in memory (`plan`). The keys are
 * written with their results already, together with the work's statements, by a plain INSERT: a key
 * that is stored already (a repeat, or a concurrent caller's) fails the statement as a whole, and so
 * does any other failure of any part. Then nothing is written and the answer is undefined: the batch
 * goes the way of runIdempotentBatch, which decides each command (replays, conflicts, a command that
 * fails alone). So is a batch that is not of this kind, and one whose `plan` throws.
 */
export async function runIdempotentBatchAtOnce<DB extends IdempotencyTables, C extends IdempotentCommand, T>(
  db: Kysely<DB>,
  schema: string,
  commands: readonly C[],
  plan: (commands: readonly C[]) => PlannedWork<T>,
): Promise<BatchOutcome<T>[] | undefined> {
  assertSchemaName(schema);
  if (commands.length === 0 || !haveOwnValidKeys(commands)) return undefined;
  let planned: PlannedWork<T>;
  try {
    planned = plan(commands);
  } catch {
    return undefined;
  }
  if (planned.results.length !== commands.length)
    throw new Error(`the work of ${commands.length} commands answered ${planned.results.length} results`);
  const json = planned.results.map(toJson);
  // Written in the order runIdempotentBatch claims keys in, so batches that share keys wait for each other, never deadlock.
  const order = commands
    .map((c, i) => ({ id: keyId(c), i }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const keys = tablesOf<DB, IdempotencyTables>(db)
    .withSchema(schema)
    .insertInto(IDEMPOTENCY_TABLE)
    .values(
      order.map(({ i }) => ({
        org_id: commands[i]!.orgId,
        key: commands[i]!.key!,
        operation: commands[i]!.operation,
        request_hash: hashRequest(commands[i]!.request),
        result: json[i]!,
      })),
    );
  try {
    await executeTogether(db, [...planned.statements.filter((s) => s !== undefined), keys]);
  } catch {
    return undefined;
  }
  return json.map((j) => ({ ok: true, result: fromJson<T>(j), replayed: false }));
}

/** Whether every command has a valid key and no two share one. */
function haveOwnValidKeys(commands: readonly IdempotentCommand[]): boolean {
  const seen = new Set<string>();
  for (const c of commands) {
    if (c.key === undefined) return false;
    try {
      assertKey(c.key);
    } catch {
      return false;
    }
    const id = keyId(c);
    if (seen.has(id)) return false;
    seen.add(id);
  }
  return true;
}

const keyId = (c: IdempotentCommand) => JSON.stringify([c.orgId, c.key]);
