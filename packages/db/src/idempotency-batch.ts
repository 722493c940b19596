import { ConflictError } from "@switchboard/errors";
import { sql, type Kysely, type Transaction } from "kysely";
import { IDEMPOTENCY_TABLE, type IdempotencyTables } from "./idempotency.migration.js";
import {
  assertKey,
  fromJson,
  hashRequest,
  runIdempotent,
  toJson,
  type IdempotentCommand,
  type IdempotentOutcome,
} from "./idempotency.js";
import { jsonRecords, recordsJson } from "./json-records.js";
import { assertSchemaName } from "./schema-name.js";
import { tablesOf } from "./tables.js";

/** One command's outcome in a batch: its result (first run or replay), or the error it alone met. */
export type BatchOutcome<T> = ({ ok: true } & IdempotentOutcome<T>) | { ok: false; error: unknown };

/**
 * runIdempotent for many commands in one transaction: their keys claimed in one statement, the work
 * of those that run done once for all of them (`work` answers one result per command, in order),
 * their results stored in one statement, the others replayed from what one read finds. Same
 * guarantees as runIdempotent, per command: at most one run per (org, key), the first result to
 * every repeat, a key reused for another request refused with SB_ERR_CONFLICT.
 *
 * A command that fails must not fail the others: when the batch's transaction fails, each command
 * runs again alone, in a transaction of its own, and only the commands that fail then get an error.
 * Two commands of one batch with the same key: the first runs, the second replays it.
 *
 * `afterCommit` takes what must happen only once the work's transaction has committed (handing
 * the events it wrote to the outbox relay): it runs then, and never for a transaction rolled back.
 * What it runs must not throw.
 */
export async function runIdempotentBatch<DB extends IdempotencyTables, C extends IdempotentCommand, T>(
  db: Kysely<DB>,
  schema: string,
  commands: readonly C[],
  work: (trx: Transaction<DB>, commands: readonly C[], afterCommit: AfterCommit) => Promise<T[]>,
): Promise<BatchOutcome<T>[]> {
  assertSchemaName(schema);
  const alone = async (command: C): Promise<BatchOutcome<T>> => {
    const committed: Array<() => void> = [];
    let outcome: IdempotentOutcome<T>;
    try {
      outcome = await runIdempotent(
        db,
        schema,
        command,
        async (trx) => (await work(trx, [command], (then) => committed.push(then)))[0] as T,
      );
    } catch (error) {
      return { ok: false, error };
    }
    for (const then of committed) then();
    return { ok: true, ...outcome };
  };
  if (commands.length <= 1) return Promise.all(commands.map(alone));
  try {
    return await inOneTransaction(db, schema, commands, work);
  } catch {
    return Promise.all(commands.map(alone));
  }
}

/** Registers what runs once the transaction commits. */
export type AfterCommit = (then: () => void) => void;

async function inOneTransaction<DB extends IdempotencyTables, C extends IdempotentCommand, T>(
  db: Kysely<DB>,
  schema: string,
  commands: readonly C[],
  work: (trx: Transaction<DB>, commands: readonly C[], afterCommit: AfterCommit) => Promise<T[]>,
): Promise<BatchOutcome<T>[]> {
  const committed: Array<() => void> = [];
  const outcomes: (BatchOutcome<T> | undefined)[] = commands.map(() => undefined);
  const hashes = commands.map((c) => hashRequest(c.request));
  // The first command with a key owns it; a later one with the same key replays the owner.
  const owners = new Map<string, number>();
  const followers: { index: number; owner: number }[] = [];
  const firstRuns = new Map<number, FirstRun>();
  commands.forEach((c, index) => {
    if (c.key === undefined) return;
    try {
      assertKey(c.key);
    } catch (error) {
      outcomes[index] = { ok: false, error };
      return;
    }
    const id = keyId(c.orgId, c.key);
    const owner = owners.get(id);
    if (owner === undefined) owners.set(id, index);
    else followers.push({ index, owner });
  });
  // Keys are claimed in one order, so batches that share keys wait for each other, never deadlock.
  const claimOrder = [...owners].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, index]) => index);

  await db
    .transaction()
    .setIsolationLevel("read committed")
    .execute(async (trx) => {
      const keys = tablesOf<DB, IdempotencyTables>(trx).withSchema(schema);
      const tableName = `${schema}.${IDEMPOTENCY_TABLE}`;
      const table = sql.table(tableName);
      const claimed = new Set<string>();
      if (claimOrder.length > 0) {
        // In the claim order, as one JSON parameter (jsonRecords).
        const { rows: inserted } = await sql<{ org_id: string; key: string }>`insert into ${table}
            (org_id, key, operation, request_hash)
          select org_id, key, operation, request_hash from ${jsonRecords(
            tableName,
            claimOrder.map((i) => ({
              org_id: commands[i]!.orgId,
              key: commands[i]!.key!,
              operation: commands[i]!.operation,
              request_hash: hashes[i]!,
            })),
          )}
          on conflict (org_id, key) do nothing
          returning org_id, key`.execute(trx);
        for (const row of inserted) claimed.add(keyId(row.org_id, row.key));
      }
      const repeats = claimOrder.filter((i) => !claimed.has(keyId(commands[i]!.orgId, commands[i]!.key!)));
      if (repeats.length > 0) {
        const stored = await keys
          .selectFrom(IDEMPOTENCY_TABLE)
          .select([
            "org_id",
            "key",
            "operation",
            "request_hash",
            "result",
            sql<boolean>`result is null`.as("no_result"),
          ])
          .where("org_id", "in", [...new Set(repeats.map((i) => commands[i]!.orgId))])
          .where(
            "key",
            "in",
            repeats.map((i) => commands[i]!.key!),
          )
          .execute();
        const byKey = new Map(stored.map((row) => [keyId(row.org_id, row.key), row]));
        for (const i of repeats) {
          const c = commands[i]!;
          const row = byKey.get(keyId(c.orgId, c.key!));
          if (row === undefined) throw new Error(`idempotency key "${c.key}" was neither claimed nor found`);
          const first = {
            operation: row.operation,
            hash: row.request_hash,
            result: row.no_result ? undefined : row.result,
          };
          firstRuns.set(i, first);
          outcomes[i] = replayOf<T>(c, hashes[i]!, first);
        }
      }
      const running = commands.flatMap((c, i) =>
        outcomes[i] === undefined && (c.key === undefined || owners.get(keyId(c.orgId, c.key)) === i)
          ? [i]
          : [],
      );
      if (running.length === 0) return;
      const results = await work(
        trx,
        running.map((i) => commands[i]!),
        (then) => committed.push(then),
      );
      if (results.length !== running.length)
        throw new Error(`the work of ${running.length} commands answered ${results.length} results`);
      const json = results.map(toJson);
      const stored = running.flatMap((i, n) =>
        commands[i]!.key === undefined ? [] : [{ i, json: json[n]! }],
      );
      if (stored.length > 0) {
        // The results' JSON texts go as strings (a result of undefined as null), read as jsonb.
        await sql`update ${table} t set result = r.result::jsonb
          from json_to_recordset(${recordsJson(
            stored.map((s) => ({ org_id: commands[s.i]!.orgId, key: commands[s.i]!.key!, result: s.json })),
          )}::json) as r(org_id text, key text, result text)
          where t.org_id = r.org_id and t.key = r.key`.execute(trx);
      }
      running.forEach((i, n) => {
        const result = fromJson<T>(json[n]!);
        outcomes[i] = { ok: true, result, replayed: false };
        firstRuns.set(i, { operation: commands[i]!.operation, hash: hashes[i]!, result });
      });
    });
  for (const then of committed) then();

  for (const { index, owner } of followers) {
    const first = firstRuns.get(owner);
    outcomes[index] =
      first === undefined ? outcomes[owner]! : replayOf<T>(commands[index]!, hashes[index]!, first);
  }
  return outcomes.map((o) => o!);
}

/** What the first run of a key did: its request (operation and hash) and its result. */
interface FirstRun {
  operation: string;
  hash: string;
  result: unknown;
}

function replayOf<T>(command: IdempotentCommand, hash: string, first: FirstRun): BatchOutcome<T> {
  return command.operation === first.operation && hash === first.hash
    ? { ok: true, result: first.result as T, replayed: true }
    : { ok: false, error: conflict(command.key!, first.operation) };
}

const keyId = (orgId: string, key: string) => JSON.stringify([orgId, key]);

function conflict(key: string, operation: string): ConflictError {
  return new ConflictError(`idempotency key "${key}" was already used for a different request`, {
    details: { key, operation },
  });
}
