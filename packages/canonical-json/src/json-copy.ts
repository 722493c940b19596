/**
 * The value `JSON.parse(JSON.stringify(value))` gives, built without the text: a deep copy of the
 * data as JSON would carry it. `toJSON` is honoured (a Date becomes its ISO string), boxed
 * primitives are unwrapped, non-finite numbers become null and -0 becomes 0, values JSON cannot hold
 * (undefined, functions, symbols) are left out of objects and become null in arrays; a key named
 * `__proto__` stays an own key, as `JSON.parse` makes it. A bigint or a cycle throws a TypeError, as
 * `JSON.stringify` does; a top-level value JSON cannot hold gives undefined.
 *
 * What a service gets from a command answered in its own process: the same value as over the wire,
 * sharing nothing with the sender's objects, in less than half the round trip's time.
 */
export function jsonCopy(value: unknown): unknown {
  return copy(value, "", []);
}

function copy(input: unknown, key: string | number, ancestors: object[]): unknown {
  let value = input;
  if ((typeof value === "object" && value !== null) || typeof value === "bigint") {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") value = (toJSON as (key: string) => unknown).call(value, String(key));
  }
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      // JSON writes -0 as 0, and has no NaN or Infinity.
      return Number.isFinite(value) ? value + 0 : null;
    case "bigint":
      throw new TypeError("jsonCopy: a bigint has no JSON form; convert it to a string or number first");
    case "object":
      return value === null ? null : copyContainer(value, ancestors);
    default:
      return undefined;
  }
}

function copyContainer(container: object, ancestors: object[]): unknown {
  if (container instanceof Number || container instanceof String || container instanceof Boolean)
    return copy(container.valueOf(), "", ancestors);
  if (ancestors.includes(container)) throw new TypeError("jsonCopy: the value contains a cycle");
  ancestors.push(container);
  try {
    return Array.isArray(container) ? copyArray(container, ancestors) : copyObject(container, ancestors);
  } finally {
    ancestors.pop();
  }
}

function copyArray(items: unknown[], ancestors: object[]): unknown[] {
  const out = new Array<unknown>(items.length);
  for (let i = 0; i < items.length; i++) out[i] = copy(items[i], i, ancestors) ?? null;
  return out;
}

function copyObject(object: object, ancestors: object[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(object)) {
    const value = copy((object as Record<string, unknown>)[key], key, ancestors);
    if (value === undefined) continue;
    if (key === "__proto__")
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    else out[key] = value;
  }
  return out;
}
