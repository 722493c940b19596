/**
 * The JSON Canonicalization Scheme (RFC 8785) for JSON data: object keys sorted by UTF-16 code unit
 * at every depth, numbers as ECMAScript writes them (1e+21, 0.000001), strings escaped as
 * JSON.stringify does, no whitespace; so equal data always gives equal text, fit to hash. Beyond
 * JSON data it follows JSON.stringify (where RFC 8785 would refuse): `toJSON` is honoured,
 * non-finite numbers become null, and values JSON cannot hold (undefined, functions, symbols) are
 * left out of objects and become null in arrays and at the top. bigint and cycles throw.
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set()) ?? "null";
}

function write(value: unknown, ancestors: Set<object>): string | undefined {
  const json = toJsonValue(value);
  switch (typeof json) {
    case "string":
    case "boolean":
      return JSON.stringify(json);
    case "number":
      return Number.isFinite(json) ? JSON.stringify(json) : "null";
    case "bigint":
      throw new TypeError("canonicalJson: a bigint has no JSON form; convert it to a string or number first");
    case "object":
      return json === null ? "null" : writeContainer(json, ancestors);
    default:
      return undefined;
  }
}

function toJsonValue(value: unknown): unknown {
  const toJSON = (value as { toJSON?: unknown } | null | undefined)?.toJSON;
  return typeof value === "object" && value !== null && typeof toJSON === "function"
    ? (toJSON as () => unknown).call(value)
    : value;
}

function writeContainer(container: object, ancestors: Set<object>): string {
  if (ancestors.has(container)) throw new TypeError("canonicalJson: the value contains a cycle");
  ancestors.add(container);
  try {
    return Array.isArray(container) ? writeArray(container, ancestors) : writeObject(container, ancestors);
  } finally {
    ancestors.delete(container);
  }
}

function writeArray(items: unknown[], ancestors: Set<object>): string {
  return `[${items.map((item) => write(item, ancestors) ?? "null").join(",")}]`;
}

function writeObject(object: object, ancestors: Set<object>): string {
  const members: string[] = [];
  // Default sort compares UTF-16 code units, independent of locale.
  for (const key of Object.keys(object).sort()) {
    const text = write((object as Record<string, unknown>)[key], ancestors);
    if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${members.join(",")}}`;
}
