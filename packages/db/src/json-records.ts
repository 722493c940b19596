import { sql, type RawBuilder } from "kysely";

/**
 * The rows of an INSERT of many, as one JSON parameter read back in the table's own column types:
 *
 *     insert into t (a, b) select a, b from ${jsonRecords("schema.t", rows)}
 *
 * Each row is an object keyed by column name; a column it leaves out (or gives as `null`) reads as
 * SQL NULL, and a json or jsonb column takes its value as it is (an object, not its JSON text). The
 * rows come out in the order given, so the rows of a statement are written in that order.
 *
 * Against a multi-row VALUES list, which takes a parameter per value: no query-builder node, bind
 * parameter or statement text grows with the rows, so a batch costs a JSON.stringify on this side
 * and one JSON parse on the server's.
 */
export function jsonRecords(table: string, rows: readonly object[]): RawBuilder<unknown> {
  return sql`json_populate_recordset(null::${sql.table(table)}, ${recordsJson(rows)}::json)`;
}

/**
 * A `\u` escape of a UTF-16 surrogate, after an even run of backslashes (so the escape is one, not
 * an escaped backslash followed by the letters).
 */
const ESCAPED_SURROGATE = /(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;

/**
 * The rows' JSON. JSON.stringify writes a lone surrogate (a string cut inside a character pair, or
 * one written as a `\ud800` escape) as a `\u` escape, which PostgreSQL's JSON refuses; as a text
 * parameter the same string would have gone as UTF-8 with U+FFFD in its place, so it is written
 * as U+FFFD here too. A pair is written as the character itself, never escaped, so every surrogate
 * escape in the output stands alone.
 */
export function recordsJson(rows: readonly object[]): string {
  const json = JSON.stringify(rows);
  return json.includes("\\ud") ? json.replace(ESCAPED_SURROGATE, "$1\\ufffd") : json;
}
