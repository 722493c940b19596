import { UnavailableError } from "@switchboard/errors";
import type { PostgresPool, PostgresPoolClient } from "kysely";
import type pg from "pg";

/**
 * Signs that PostgreSQL is not there (refused, gone mid-query, shutting down, starting up or
 * recovering) rather than that the query is wrong: socket errors and SQLSTATE classes 08 and 57P.
 */
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "57P01",
  "57P02",
  "57P03",
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
]);
// pg words a connection lost mid-query, or used after it broke, without a code.
const UNAVAILABLE_MESSAGE = /Connection terminated|not queryable|timeout exceeded when trying to connect/i;

export function isUnavailable(error: unknown): boolean {
  if (error instanceof AggregateError && error.errors.some(isUnavailable)) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (typeof code === "string" && UNAVAILABLE_CODES.has(code)) || UNAVAILABLE_MESSAGE.test(error.message);
}

export function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return messageOf(error.errors[0]);
  return error instanceof Error && error.message !== "" ? error.message : String(error);
}

/** The error as an UnavailableError (a 503 at the HTTP edge, a retry in a consumer) if the server is down. */
export function unavailableIfDown(error: unknown, description: string): unknown {
  if (!isUnavailable(error)) return error;
  return new UnavailableError(`PostgreSQL at ${description} is unavailable: ${messageOf(error)}`, {
    cause: error,
  });
}

/**
 * The pool as kysely sees it, with a server that cannot be reached reported as UnavailableError
 * instead of pg's raw error, which callers could only treat as a bug (500).
 */
export function reportingUnavailable(pool: pg.Pool, description: string): PostgresPool {
  const translate = (error: unknown): never => {
    throw unavailableIfDown(error, description);
  };
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect().catch(translate);
      const query = (...args: [string, ReadonlyArray<unknown>]) =>
        (client.query(args[0], args[1] as unknown[]) as Promise<any>).catch(translate);
      return { query: query as PostgresPoolClient["query"], release: () => client.release() };
    },
    end: () => pool.end(),
  };
}
