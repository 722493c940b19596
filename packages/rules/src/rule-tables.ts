/**
 * Small lookup tables kept with a rule (`"tables": {"wards": {"W1": "North wing"}}`), read by the
 * `lookup` operator. Tables are bound when logic is compiled, so a lookup is a map read per message.
 */
export type RuleTables = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

export const MAX_TABLES = 20;
export const MAX_TABLE_ENTRIES = 1000;

let compiling: RuleTables = {};

/** Compiles with these tables in scope (compiling is synchronous). */
export function withTables<T>(tables: RuleTables | undefined, compile: () => T): T {
  const before = compiling;
  compiling = tables ?? {};
  try {
    return compile();
  } finally {
    compiling = before;
  }
}

/** The table of that name in the rule being compiled, as a map; undefined when there is none. */
export function tableInScope(name: string): ReadonlyMap<string, unknown> | undefined {
  if (!Object.hasOwn(compiling, name)) return undefined;
  return new Map(Object.entries(compiling[name]!));
}

/** The names of the tables in scope. */
export function tableNames(): string[] {
  return Object.keys(compiling);
}
