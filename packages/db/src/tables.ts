import type { Kysely } from "kysely";

/**
 * The one place a handle changes the tables its type names. A Kysely instance is the same whatever
 * its type parameter says (the type only checks the queries built on it), but the compiler holds
 * handles with different tables apart, even where one has every table of the other.
 */
function retyped<From, To>(db: Kysely<From>): Kysely<To> {
  return db as unknown as Kysely<To>;
}

/**
 * `db` seen through some of its tables: what a package's function uses on a caller's handle, typed
 * over the tables it touches (`DB extends OutboxTables`). Name the result's type at the call, e.g.
 * `const outbox: Kysely<OutboxTables> = tablesOf(db)`; a handle without those tables does not compile.
 */
export function tablesOf<DB extends T, T>(db: Kysely<DB>): Kysely<T> {
  return retyped(db);
}

/**
 * The shared handle, which names no tables, as one on the tables of a service's schema: what its
 * migrations created there. The service's queries name the schema (`withSchema`) themselves.
 */
export function schemaTables<T>(db: Kysely<object>): Kysely<T> {
  return retyped(db);
}
