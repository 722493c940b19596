/** Beyond this depth a value has no canonical form here: deep enough for any real key, and bounded for hostile payloads. */
const MAX_DEPTH = 64;

/**
 * JSON with object keys sorted, so equal data gives equal text whatever the key order; undefined
 * for values JSON cannot carry or nested deeper than MAX_DEPTH. Own enumerable keys only.
 */
export function canonicalJson(value: unknown, depth = 0): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") return Number.isFinite(value) ? JSON.stringify(value) : undefined;
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (const item of value) {
      const text = canonicalJson(item, depth + 1);
      if (text === undefined) return undefined;
      items.push(text);
    }
    return `[${items.join(",")}]`;
  }
  if (typeof value === "object") {
    const fields: string[] = [];
    for (const key of Object.keys(value).sort()) {
      const text = canonicalJson((value as Record<string, unknown>)[key], depth + 1);
      if (text === undefined) return undefined;
      fields.push(`${JSON.stringify(key)}:${text}`);
    }
    return `{${fields.join(",")}}`;
  }
  return undefined;
}
