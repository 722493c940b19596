/**
 * Regular expressions in a payload schema (`pattern`, `patternProperties`) run on every payload, at
 * the HTTP edge and in the engine, on JavaScript's backtracking engine: a repeated group that itself
 * repeats, such as `^(a+)+$`, takes exponential time on a string that almost matches, and one such
 * payload stalls the whole process. Such patterns are refused when the schema is saved.
 *
 * The check is structural (nested repetition); it does not catch every slow pattern (overlapping
 * alternatives under one repetition, `(a|a)+`, also backtrack), only the common shape.
 */

// Values that hold data rather than subschemas: a "pattern" inside an example is not a pattern.
const DATA_KEYWORDS = new Set(["const", "enum", "default", "examples", "example"]);

export type UnsafePattern = { path: string; pattern: string };

/** The first pattern of a JSON Schema that repeats a repeating group, with its JSON pointer. */
export function findUnsafePattern(node: unknown, path = ""): UnsafePattern | undefined {
  if (typeof node !== "object" || node === null) return undefined;
  const entries = Array.isArray(node)
    ? node.map((item, i) => [String(i), item] as const)
    : Object.entries(node as Record<string, unknown>);
  for (const [key, value] of entries) {
    const at = `${path}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`;
    if (!Array.isArray(node)) {
      if (DATA_KEYWORDS.has(key)) continue;
      if (key === "pattern" && typeof value === "string" && hasNestedRepetition(value))
        return { path: at, pattern: value };
      if (key === "patternProperties" && typeof value === "object" && value !== null) {
        const bad = Object.keys(value).find(hasNestedRepetition);
        if (bad !== undefined) return { path: at, pattern: bad };
      }
    }
    const found = findUnsafePattern(value, at);
    if (found) return found;
  }
  return undefined;
}

export function unsafePatternMessage({ path, pattern }: UnsafePattern): string {
  return (
    `${path}: the pattern ${JSON.stringify(pattern)} repeats a group that itself repeats, which can take ` +
    "exponential time on some inputs; repeat the inner part only once (e.g. ^(a+)+$ → ^a+$)"
  );
}

type Group = { repeats: boolean };

/** Whether a quantifier that repeats (`*`, `+`, `{n,}`, `{n,m}` with m > 1) applies to a group holding one. */
export function hasNestedRepetition(pattern: string): boolean {
  const stack: Group[] = [{ repeats: false }];
  let last: Group | undefined; // the group just closed, when the previous atom was a group
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    const quantifier = quantifierAt(pattern, i);
    if (quantifier !== undefined) {
      if (quantifier.repeats) {
        if (last?.repeats) return true;
        stack[stack.length - 1]!.repeats = true;
      }
      i = quantifier.end - 1;
      last = undefined;
      continue;
    }
    if (c === "\\") i++;
    else if (c === "[") i = classEnd(pattern, i);
    else if (c === "(") stack.push({ repeats: false });
    else if (c === ")" && stack.length > 1) {
      last = stack.pop()!;
      if (last.repeats) stack[stack.length - 1]!.repeats = true;
      continue;
    }
    last = undefined;
  }
  return false;
}

/** A quantifier starting at `i`, its end (exclusive), and whether it allows more than one repetition. */
function quantifierAt(pattern: string, i: number): { end: number; repeats: boolean } | undefined {
  const c = pattern[i];
  const lazy = (end: number) => (pattern[end] === "?" ? end + 1 : end);
  if (c === "*" || c === "+") return { end: lazy(i + 1), repeats: true };
  if (c === "?") return { end: i + 1, repeats: false };
  if (c !== "{") return undefined;
  const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
  if (match === null) return undefined;
  const max = match[2] === undefined ? Number(match[1]) : match[3] === "" ? Infinity : Number(match[3]);
  return { end: lazy(i + match[0].length), repeats: max > 1 };
}

/** The index of the `]` closing the character class opened at `i`. */
function classEnd(pattern: string, i: number): number {
  let j = i + 1;
  if (pattern[j] === "^") j++;
  if (pattern[j] === "]") j++;
  for (; j < pattern.length; j++) {
    if (pattern[j] === "\\") j++;
    else if (pattern[j] === "]") return j;
  }
  return pattern.length;
}
