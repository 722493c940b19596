import { parsePointer, valueAt } from "./json-pointer.js";
import type { RefResolver } from "./types.js";
import { isPlainObject } from "./value-preview.js";

/*
 * A JSON Schema seen from one value: the subschemas that apply to it together ($ref, allOf) and
 * its alternatives (anyOf, oneOf, then/else), with $refs followed into other documents.
 */

/** Where a schema came from, so that its local `$ref`s resolve against the right document. */
export interface Origin {
  root: unknown;
  /** The document part of the `$ref` that led to it; undefined for the schema given by the caller. */
  base: string | undefined;
}

export interface Facet {
  schema: Record<string, unknown>;
  origin: Origin;
}

/** Constraints on one value: all facets hold together; of each group, one alternative holds. */
export interface Node {
  facets: Facet[];
  groups: Node[][];
  unresolved: string[];
  never: boolean;
}

export const emptyNode = (): Node => ({ facets: [], groups: [], unresolved: [], never: false });

// Recursive or combinatorial schemas could expand without end; past this budget a value is
// treated as free rather than spending unbounded time on a save.
const MAX_FACETS = 500;

export class Expander {
  private facetCount = 0;
  constructor(private readonly resolveRef: RefResolver | undefined) {}

  expand(schema: unknown, origin: Origin, seen: ReadonlySet<unknown> = new Set()): Node {
    const node = emptyNode();
    if (schema === false) node.never = true;
    if (!isPlainObject(schema) || seen.has(schema) || ++this.facetCount > MAX_FACETS) return node;
    const inner = new Set(seen).add(schema);
    node.facets.push({ schema, origin });
    const ref = schema["$ref"];
    if (typeof ref === "string") {
      const target = this.resolve(ref, origin);
      if (target === undefined) node.unresolved.push(ref);
      else merge(node, this.expand(target.schema, target.origin, inner));
    }
    for (const sub of arrayOf(schema["allOf"])) merge(node, this.expand(sub, origin, inner));
    for (const key of ["anyOf", "oneOf"]) {
      const alternatives = arrayOf(schema[key]);
      if (alternatives.length > 0)
        node.groups.push(alternatives.map((sub) => this.expand(sub, origin, inner)));
    }
    if ("then" in schema || "else" in schema) {
      node.groups.push([
        this.expand(schema["then"] ?? true, origin, inner),
        this.expand(schema["else"] ?? true, origin, inner),
      ]);
    }
    return node;
  }

  private resolve(ref: string, origin: Origin): { schema: unknown; origin: Origin } | undefined {
    const hash = ref.indexOf("#");
    const document = hash === -1 ? ref : ref.slice(0, hash);
    const fragment = hash === -1 ? "" : ref.slice(hash + 1);
    if (document === "") {
      const target = origin.root === undefined ? undefined : atFragment(origin.root, fragment);
      if (target !== undefined) return { schema: target, origin };
      // A target that came from a resolver as a bare schema has no document here: ask for the
      // local ref within its file instead.
      return origin.base === undefined
        ? undefined
        : this.resolve(origin.base + ref, { root: undefined, base: undefined });
    }
    if (this.resolveRef === undefined) return undefined;
    // Ask for the document first, so the refs inside it resolve against it; fall back to the whole
    // ref for resolvers that only know targets.
    const root = this.resolveRef(document);
    if (root !== undefined) {
      const target = atFragment(root, fragment);
      return target === undefined ? undefined : { schema: target, origin: { root, base: document } };
    }
    const target = fragment === "" ? undefined : this.resolveRef(ref);
    return target === undefined ? undefined : { schema: target, origin: { root: undefined, base: document } };
  }
}

function atFragment(root: unknown, fragment: string): unknown {
  if (fragment === "") return root;
  let decoded: string;
  try {
    decoded = decodeURIComponent(fragment);
  } catch {
    return undefined;
  }
  const segments = parsePointer(decoded);
  return segments === undefined ? undefined : valueAt(root, segments);
}

/** Every property name any facet or alternative declares: the did-you-mean candidates. */
export function declaredNames(node: Node, into = new Set<string>()): Set<string> {
  for (const { schema } of node.facets) {
    const properties = schema["properties"];
    if (isPlainObject(properties)) for (const name of Object.keys(properties)) into.add(name);
  }
  for (const group of node.groups) for (const alternative of group) declaredNames(alternative, into);
  return into;
}

export function unresolvedRefs(node: Node, into = new Set<string>()): Set<string> {
  for (const ref of node.unresolved) into.add(ref);
  for (const group of node.groups) for (const alternative of group) unresolvedRefs(alternative, into);
  return into;
}

export function merge(into: Node, from: Node): void {
  into.facets.push(...from.facets);
  into.groups.push(...from.groups);
  into.unresolved.push(...from.unresolved);
  into.never ||= from.never;
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
