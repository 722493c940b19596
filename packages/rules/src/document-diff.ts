import { childPointer } from "./json-pointer.js";
import { isPlainObject } from "./value-preview.js";

export interface DocumentChange {
  /** JSON pointer into the documents. */
  path: string;
  op: "add" | "remove" | "replace";
  before?: unknown;
  after?: unknown;
}

// Rule documents are far shallower; past this depth a changed subtree is shown as one replacement.
const MAX_DEPTH = 64;

/**
 * What changed between two versions of a JSON document, as JSON-pointer changes: objects field by
 * field (in the old document's field order, then new fields), arrays index by index (so an
 * inserted action shows as changes from there on, which is how the versions really differ).
 */
export function diffDocuments(before: unknown, after: unknown): DocumentChange[] {
  const changes: DocumentChange[] = [];
  diff(before, after, "", 0, changes);
  return changes;
}

function diff(before: unknown, after: unknown, path: string, depth: number, out: DocumentChange[]): void {
  if (isPlainObject(before) && isPlainObject(after) && depth < MAX_DEPTH) {
    for (const key of Object.keys(before)) {
      const at = childPointer(path, key);
      if (!Object.hasOwn(after, key)) out.push({ path: at, op: "remove", before: before[key] });
      else diff(before[key], after[key], at, depth + 1, out);
    }
    for (const key of Object.keys(after)) {
      if (!Object.hasOwn(before, key))
        out.push({ path: childPointer(path, key), op: "add", after: after[key] });
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && depth < MAX_DEPTH) {
    const common = Math.min(before.length, after.length);
    for (let i = 0; i < common; i++) diff(before[i], after[i], childPointer(path, i), depth + 1, out);
    for (let i = common; i < after.length; i++)
      out.push({ path: childPointer(path, i), op: "add", after: after[i] });
    // Removed from the end backwards: applying the changes in order then keeps the indexes right.
    for (let i = before.length - 1; i >= common; i--)
      out.push({ path: childPointer(path, i), op: "remove", before: before[i] });
    return;
  }
  if (!sameJson(before, after)) out.push({ path, op: "replace", before, after });
}

function sameJson(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => sameJson(item, b[i], depth + 1));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k], depth + 1))
    );
  }
  return false;
}
