/** Deep enough for any real dedup key, and a bound on the walk for hostile payloads. */
const MAX_DEPTH = 64;

/**
 * Whether a value is JSON data (null, booleans, strings, finite numbers, arrays and plain objects
 * of those) nested at most MAX_DEPTH levels: what canonical JSON writes the same on every version,
 * with nothing left out, replaced by null or converted by `toJSON`.
 */
export function isJsonData(value: unknown, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  if (value === null || typeof value === "boolean" || typeof value === "string") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isJsonData(item, depth + 1));
  if (typeof value !== "object" || typeof (value as { toJSON?: unknown }).toJSON === "function") return false;
  return Object.values(value).every((item) => isJsonData(item, depth + 1));
}
