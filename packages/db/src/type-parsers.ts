import pg from "pg";
import type { CustomTypesConfig } from "pg";

/** Type OIDs we parse ourselves; every other type keeps its driver's default. */
const Oid = { int8: 20, numeric: 1700, int8Array: 1016, numericArray: 1231, textArray: 1009 } as const;

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * int8 (count(*), bigserial) as a number when it is exact as one, else a bigint. A bigint fails
 * loudly in arithmetic with numbers and in JSON.stringify, where a string would concatenate silently.
 */
export function parseInt8(text: string): number | bigint {
  // 15 digits are always below 2^53: skip the BigInt detour for the common case.
  if (text.length <= 15) return Number(text);
  const value = BigInt(text);
  return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value;
}

/**
 * numeric: integers (sum() of int8) follow the int8 rule; fractions (avg()) become floats.
 * Cast to text in SQL where an exact decimal matters.
 */
export function parseNumeric(text: string): number | bigint {
  return /^-?\d+$/.test(text) ? parseInt8(text) : Number(text);
}

type NestedArray = unknown[];

function mapNested(values: NestedArray, parse: (text: string) => unknown): NestedArray {
  return values.map((v) => (Array.isArray(v) ? mapNested(v, parse) : typeof v === "string" ? parse(v) : v));
}

// pg's typings list only scalar type ids; text[] has a parser all the same.
type TypeId = Parameters<typeof pg.types.getTypeParser>[0];
const parseTextArray = pg.types.getTypeParser(Oid.textArray as TypeId, "text") as (
  text: string,
) => NestedArray;

/** Per-pool parsers for node-postgres; pg.types.setTypeParser would change every pool in the process. */
export const pgTypeParsers: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (format === "binary") return pg.types.getTypeParser(oid as TypeId, format);
    switch (oid) {
      case Oid.int8:
        return parseInt8;
      case Oid.numeric:
        return parseNumeric;
      case Oid.int8Array:
        return (text: string) => mapNested(parseTextArray(text), parseInt8);
      case Oid.numericArray:
        return (text: string) => mapNested(parseTextArray(text), parseNumeric);
      default:
        return pg.types.getTypeParser(oid as TypeId, format);
    }
  }) as CustomTypesConfig["getTypeParser"],
};

/** The same rules for PGlite, which applies element parsers to arrays itself. */
export const pgliteTypeParsers: Record<number, (text: string) => unknown> = {
  [Oid.int8]: parseInt8,
  [Oid.numeric]: parseNumeric,
};
