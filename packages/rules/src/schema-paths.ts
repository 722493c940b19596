import { Expander, declaredNames, emptyNode, merge, unresolvedRefs, type Node } from "./schema-nodes.js";
import type { RefResolver } from "./types.js";
import { isPlainObject } from "./value-preview.js";

/** Where a path leaves what the schema declares (segment index), and the names declared there. */
export interface PathGap {
  at: number;
  siblings: string[];
}

/**
 * Found (possibly only because an object is left open: then `undeclared` says where), or where
 * the path leaves the schema, what is declared there, and refs that could not be followed.
 */
export type PathLookup =
  { found: true; undeclared?: PathGap } | ({ found: false; unresolved: string[] } & PathGap);

/**
 * Whether a data path can exist in a value that a JSON Schema accepts. The schema is read as
 * JSON Schema means it: `$ref` and `allOf` constrain the same value together (every one of them
 * must allow a field), `anyOf`/`oneOf` (and `then`/`else`) are alternatives (one suffices).
 * A field is refused only where the schema closes the object (`additionalProperties: false`, or
 * `unevaluatedProperties: false` and no subschema declares it), or the value is not an object or
 * an array; below a value the schema leaves free, any path is accepted. A field that an open
 * object does not list among its `properties`, where nothing else admits it (a matching
 * `patternProperties`, an `additionalProperties` or `unevaluatedProperties` schema, `required`),
 * is accepted but `undeclared`: likely a typo, since the schema names the fields it expects.
 */
export function lookupPath(
  schema: unknown,
  segments: readonly string[],
  resolveRef?: RefResolver,
): PathLookup {
  const expander = new Expander(resolveRef);
  let node = expander.expand(schema, { root: schema, base: undefined });
  for (let i = 0; i < segments.length; i++) {
    const outcome = step(expander, node, segments[i]!);
    if (outcome.kind === "open") {
      if (!undeclared(node, segments[i]!)) return { found: true };
      return { found: true, undeclared: { at: i, siblings: [...declaredNames(node)].sort() } };
    }
    if (outcome.kind === "missing") {
      return {
        found: false,
        at: i,
        siblings: [...declaredNames(node)].sort(),
        unresolved: [...unresolvedRefs(node)],
      };
    }
    node = outcome.next;
  }
  return { found: true };
}

type Step = { kind: "found"; next: Node } | { kind: "open" } | { kind: "missing" };

function step(expander: Expander, node: Node, segment: string): Step {
  if (node.never) return { kind: "missing" };
  const evaluated = declaresAnywhere(node, segment);
  const next = emptyNode();
  for (const facet of node.facets) {
    const outcome = facetStep(facet.schema, segment, evaluated);
    if (outcome === "closed") return { kind: "missing" };
    for (const sub of outcome) merge(next, expander.expand(sub, facet.origin));
  }
  for (const group of node.groups) {
    const live = group
      .map((alternative) => step(expander, alternative, segment))
      .filter((s) => s.kind !== "missing");
    if (live.length === 0) return { kind: "missing" };
    // One free alternative means the value below is not constrained by this group at all.
    if (live.some((s) => s.kind === "open")) continue;
    next.groups.push(live.map((s) => (s as { next: Node }).next));
  }
  return isFree(next) ? { kind: "open" } : { kind: "found", next };
}

const INDEX = /^(0|[1-9]\d*)$/;

/**
 * The subschemas one facet applies to `segment`, or "closed" when it refuses the segment.
 * `evaluated`: some facet or alternative at this value declares the segment, which is what
 * `unevaluatedProperties` looks at.
 */
function facetStep(
  schema: Record<string, unknown>,
  segment: string,
  evaluated: boolean,
): unknown[] | "closed" {
  const declared = declaredSubschemas(schema, segment);
  if (declared.length > 0) return declared;
  const isIndex = INDEX.test(segment);
  const types = typesOf(schema);
  const objectAllowed = types === undefined || types.has("object");
  // Without `type`, a schema that speaks only of properties describes an object.
  const arrayAllowed =
    isIndex &&
    (types === undefined
      ? !hasAny(schema, OBJECT_KEYWORDS) || hasAny(schema, ARRAY_KEYWORDS)
      : types.has("array"));
  if (!objectAllowed && !arrayAllowed) return "closed";
  if (!arrayAllowed) {
    const additional = schema["additionalProperties"];
    if (additional === false) return "closed";
    if (isPlainObject(additional)) return [additional];
    const unevaluated = schema["unevaluatedProperties"];
    if (unevaluated === false && !evaluated) return "closed";
    if (isPlainObject(unevaluated) && !evaluated) return [unevaluated];
  } else if (!objectAllowed && (schema["items"] === false || schema["unevaluatedItems"] === false)) {
    return "closed";
  }
  return [];
}

const OBJECT_KEYWORDS = [
  "properties",
  "patternProperties",
  "additionalProperties",
  "unevaluatedProperties",
  "required",
];
const ARRAY_KEYWORDS = [
  "items",
  "prefixItems",
  "additionalItems",
  "unevaluatedItems",
  "minItems",
  "maxItems",
  "contains",
];

function hasAny(schema: Record<string, unknown>, keywords: readonly string[]): boolean {
  return keywords.some((keyword) => keyword in schema);
}

function declaredSubschemas(schema: Record<string, unknown>, segment: string): unknown[] {
  const found: unknown[] = [];
  const properties = schema["properties"];
  if (isPlainObject(properties) && Object.hasOwn(properties, segment)) found.push(properties[segment]);
  const patterns = schema["patternProperties"];
  if (isPlainObject(patterns)) {
    for (const [pattern, sub] of Object.entries(patterns)) if (matches(pattern, segment)) found.push(sub);
  }
  if (INDEX.test(segment)) found.push(...itemSchemas(schema, Number(segment)));
  return found;
}

function itemSchemas(schema: Record<string, unknown>, index: number): unknown[] {
  // Draft 2020-12 spells a tuple `prefixItems` + `items`; earlier drafts `items: [...]` + `additionalItems`.
  const prefix = Array.isArray(schema["prefixItems"])
    ? schema["prefixItems"]
    : Array.isArray(schema["items"])
      ? schema["items"]
      : [];
  if (index < prefix.length) return [prefix[index]];
  const rest = Array.isArray(schema["items"]) ? schema["additionalItems"] : schema["items"];
  return isPlainObject(rest) ? [rest] : [];
}

function matches(pattern: string, segment: string): boolean {
  try {
    return new RegExp(pattern, "u").test(segment);
  } catch {
    return false;
  }
}

function typesOf(schema: Record<string, unknown>): Set<string> | undefined {
  const type = schema["type"];
  if (typeof type === "string") return new Set([type]);
  if (Array.isArray(type)) return new Set(type.filter((t): t is string => typeof t === "string"));
  return undefined;
}

function declaresAnywhere(node: Node, segment: string): boolean {
  const names = (schema: Record<string, unknown>) => {
    const properties = schema["properties"];
    if (isPlainObject(properties) && Object.hasOwn(properties, segment)) return true;
    const patterns = schema["patternProperties"];
    return isPlainObject(patterns) && Object.keys(patterns).some((pattern) => matches(pattern, segment));
  };
  return (
    node.facets.some(({ schema }) => names(schema)) ||
    node.groups.some((group) => group.some((alternative) => declaresAnywhere(alternative, segment)))
  );
}

/**
 * The value lists the fields it expects and `segment` is none of them, nor admitted otherwise.
 * An unresolved `$ref` might declare it, so then nothing is said.
 */
function undeclared(node: Node, segment: string): boolean {
  return (
    declaredNames(node).size > 0 &&
    unresolvedRefs(node).size === 0 &&
    !declaresAnywhere(node, segment) &&
    !admitsAnywhere(node, segment)
  );
}

/** Some facet or alternative names the segment as required, or takes extra fields by a schema of their own. */
function admitsAnywhere(node: Node, segment: string): boolean {
  const admits = (schema: Record<string, unknown>) => {
    const required = schema["required"];
    if (Array.isArray(required) && required.includes(segment)) return true;
    return ["additionalProperties", "unevaluatedProperties"].some(
      (keyword) => schema[keyword] === true || isPlainObject(schema[keyword]),
    );
  };
  return (
    node.facets.some(({ schema }) => admits(schema)) ||
    node.groups.some((group) => group.some((alternative) => admitsAnywhere(alternative, segment)))
  );
}

function isFree(node: Node): boolean {
  return (
    !node.never && node.groups.length === 0 && node.facets.every(({ schema }) => !constrainsChildren(schema))
  );
}

const CHILD_KEYWORDS = [...OBJECT_KEYWORDS, ...ARRAY_KEYWORDS, "type", "$ref"];

function constrainsChildren(schema: Record<string, unknown>): boolean {
  return hasAny(schema, CHILD_KEYWORDS);
}
