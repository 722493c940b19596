import { linearRegExp } from "@switchboard/events";
import { childPointer, parsePointer, valueAt } from "./json-pointer.js";
import { didYouMean } from "./did-you-mean.js";
import { PAYLOAD_SCHEMA_FORMATS, PAYLOAD_SCHEMA_KEYWORDS } from "./payload-schema-keywords.js";
import type { RuleProblem } from "./types.js";
import { isPlainObject } from "./value-preview.js";

/** Subschemas about the same value as their parent: they inherit what the parent says of its type. */
const SAME_VALUE = {
  one: ["not", "if", "then", "else"],
  list: ["allOf", "anyOf", "oneOf"],
  map: ["dependentSchemas"],
};
/** Subschemas about a part of the value (a property, an item): a place of their own. */
const PART = {
  one: [
    "additionalProperties",
    "propertyNames",
    "unevaluatedProperties",
    "items",
    "contains",
    "unevaluatedItems",
  ],
  list: ["prefixItems"],
  map: ["properties", "patternProperties"],
};
const KNOWN = Object.keys(PAYLOAD_SCHEMA_KEYWORDS);

export const schemaProblem = (path: string, message: string): RuleProblem => ({
  path,
  message,
  code: "schema",
});

/** `unknown keyword "requred" (did you mean "required"?)`. */
const unknownWord = (kind: string, word: string, known: Iterable<string>) =>
  `unknown ${kind} "${word}"${didYouMean(word, known)}`;

/** What ajv knows of a value where a subschema applies: the types said so far, the properties declared. */
interface Place {
  types: readonly string[];
  declared: ReadonlySet<string>;
}

/**
 * What ajv's strict mode refuses when it compiles a payload schema, found by walking it as ajv
 * does: from the root, and from each local `$ref`'s target (ajv compiles only what is reached, so
 * an unused `$defs` entry is not looked at).
 */
export function strictSchemaProblems(schema: Record<string, unknown>, refTargets: string[]): RuleProblem[] {
  const out: RuleProblem[] = [];
  walk(schema, "", fresh(schema), out);
  for (const pointer of refTargets) {
    const target = valueAt(schema, parsePointer(pointer) ?? []);
    if (pointer !== "") walk(target, pointer, fresh(target), out);
  }
  return out;
}

function walk(node: unknown, path: string, place: Place, out: RuleProblem[]): void {
  if (!isPlainObject(node)) return;
  const types = narrowTypes(node, path, place.types, out);
  for (const [keyword, value] of Object.entries(node)) {
    const at = childPointer(path, keyword);
    const applies = PAYLOAD_SCHEMA_KEYWORDS[keyword];
    if (applies === undefined) out.push(schemaProblem(at, unknownWord("keyword", keyword, KNOWN)));
    else if (
      applies.length > 0 &&
      !applies.some((t) => types.includes(t) || (t === "number" && types.includes("integer")))
    )
      out.push(
        schemaProblem(
          at,
          `"${keyword}" is for ${applies.join(" or ")} values: say "type": "${applies.at(-1)}" in this schema (or one around it)`,
        ),
      );
    out.push(...keywordProblems(node, keyword, value, at, place));
  }
  const here = { types, declared: place.declared };
  forEachSub(node, SAME_VALUE, path, (sub, subPath) => walk(sub, subPath, here, out));
  forEachSub(node, PART, path, (sub, subPath) => walk(sub, subPath, fresh(sub), out));
}

function keywordProblems(
  node: Record<string, unknown>,
  keyword: string,
  value: unknown,
  at: string,
  place: Place,
): RuleProblem[] {
  switch (keyword) {
    case "format":
      return typeof value === "string" && !PAYLOAD_SCHEMA_FORMATS.includes(value)
        ? [schemaProblem(at, unknownWord("format", value, PAYLOAD_SCHEMA_FORMATS))]
        : [];
    case "pattern":
      return typeof value === "string" ? patternProblems(value, at) : [];
    case "patternProperties":
      return Object.keys(value as object).flatMap((p) => patternProblems(p, childPointer(at, p)));
    case "if":
      return "then" in node || "else" in node
        ? []
        : [schemaProblem(at, '"if" without "then" or "else" does nothing')];
    case "then":
    case "else":
      return "if" in node ? [] : [schemaProblem(at, `"${keyword}" without "if" does nothing`)];
    case "required":
      return (value as unknown[]).flatMap((name, i) =>
        typeof name === "string" && !place.declared.has(name)
          ? [
              schemaProblem(
                childPointer(at, i),
                `required property "${name}" is not declared in "properties"`,
              ),
            ]
          : [],
      );
    case "prefixItems":
      return openTuple(node, (value as unknown[]).length, at);
    default:
      return [];
  }
}

function patternProblems(pattern: string, at: string): RuleProblem[] {
  try {
    linearRegExp(pattern, "u");
    return [];
  } catch (error) {
    return [schemaProblem(at, (error as Error).message)];
  }
}

/** ajv's strictTuples: a tuple says how many items it has, and that there are no others. */
function openTuple(node: Record<string, unknown>, length: number, at: string): RuleProblem[] {
  const closed = node["minItems"] === length && (node["maxItems"] === length || node["items"] === false);
  return closed
    ? []
    : [
        schemaProblem(
          at,
          `"prefixItems" lists ${length} item(s): say "minItems": ${length} and "items": false (or "maxItems": ${length}) as well`,
        ),
      ];
}

/** The types that hold here, as ajv narrows them: the schema's own within those said around it. */
function narrowTypes(
  node: Record<string, unknown>,
  path: string,
  around: readonly string[],
  out: RuleProblem[],
): readonly string[] {
  const raw = node["type"];
  const own = [...(typeof raw === "string" ? [raw] : Array.isArray(raw) ? raw.map(String) : [])];
  if (node["nullable"] === true && own.length > 0) own.push("null");
  if (own.length === 0) return around;
  if (around.length === 0) return own;
  for (const t of own)
    if (!includesType(around, t))
      out.push(
        schemaProblem(
          childPointer(path, "type"),
          `type "${t}" is not possible here: the schema around it says ${around.join(" or ")}`,
        ),
      );
  return around.flatMap((t) =>
    includesType(own, t) ? [t] : t === "number" && own.includes("integer") ? ["integer"] : [],
  );
}

/** ajv's: an integer is a number, not the other way round. */
const includesType = (types: readonly string[], t: string) =>
  types.includes(t) || (t === "integer" && types.includes("number"));

/** A new place: nothing known of its type; its properties are those it and its same-value subschemas declare. */
function fresh(node: unknown): Place {
  const declared = new Set<string>();
  const collect = (n: unknown) => {
    if (!isPlainObject(n)) return;
    if (isPlainObject(n["properties"])) for (const name of Object.keys(n["properties"])) declared.add(name);
    forEachSub(n, SAME_VALUE, "", collect);
  };
  collect(node);
  return { types: [], declared };
}

function forEachSub(
  node: Record<string, unknown>,
  kinds: { one: string[]; list: string[]; map: string[] },
  path: string,
  visit: (sub: unknown, path: string) => void,
): void {
  for (const k of kinds.one) if (k in node) visit(node[k], childPointer(path, k));
  for (const k of kinds.list)
    if (Array.isArray(node[k]))
      (node[k] as unknown[]).forEach((s, i) => visit(s, childPointer(childPointer(path, k), i)));
  for (const k of kinds.map)
    if (isPlainObject(node[k]))
      for (const [name, s] of Object.entries(node[k])) visit(s, childPointer(childPointer(path, k), name));
}
