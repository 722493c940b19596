/**
 * The JSON Canonicalization Scheme (RFC 8785) for JSON data: object keys sorted by UTF-16 code unit
 * at every depth, numbers as ECMAScript writes them (1e+21, 0.000001), strings escaped as
 * JSON.stringify does, no whitespace; so equal data always gives equal text, fit to hash. Beyond
 * JSON data it follows JSON.stringify (where RFC 8785 would refuse): `toJSON` is honoured,
 * non-finite numbers become null, and values JSON cannot hold (undefined, functions, symbols) are
 * left out of objects and become null in arrays and at the top. bigint and cycles throw.
 */
export function canonicalJson(value: unknown): string {
  return write(value, []) ?? "null";
}

// Written by concatenation, the ancestors kept in an array (a path is short): the text is hashed
// for every inbound event and every command's request.
function write(value: unknown, ancestors: object[]): string | undefined {
  const json = toJsonValue(value);
  switch (typeof json) {
    case "string":
      return JSON.stringify(json);
    case "boolean":
      return json ? "true" : "false";
    case "number":
      // ECMAScript's Number to String, which JSON.stringify uses too: 1e+21, 0.000001, -0 as 0.
      return Number.isFinite(json) ? String(json) : "null";
    case "bigint":
      throw new TypeError("canonicalJson: a bigint has no JSON form; convert it to a string or number first");
    case "object":
      return json === null ? "null" : writeContainer(json, ancestors);
    default:
      return undefined;
  }
}

function toJsonValue(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  return typeof toJSON === "function" ? (toJSON as () => unknown).call(value) : value;
}

function writeContainer(container: object, ancestors: object[]): string {
  if (ancestors.includes(container)) throw new TypeError("canonicalJson: the value contains a cycle");
  ancestors.push(container);
  try {
    return Array.isArray(container) ? writeArray(container, ancestors) : writeObject(container, ancestors);
  } finally {
    ancestors.pop();
  }
}

function writeArray(items: unknown[], ancestors: object[]): string {
  let text = "[";
  for (let i = 0; i < items.length; i++) {
    if (i > 0) text += ",";
    text += write(items[i], ancestors) ?? "null";
  }
  return text + "]";
}

function writeObject(object: object, ancestors: object[]): string {
  let text = "{";
  // Default sort compares UTF-16 code units, independent of locale.
  for (const key of Object.keys(object).sort()) {
    const member = write((object as Record<string, unknown>)[key], ancestors);
    if (member === undefined) continue;
    if (text.length > 1) text += ",";
    text += JSON.stringify(key) + ":" + member;
  }
  return text + "}";
}
