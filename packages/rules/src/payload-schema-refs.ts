import { childPointer, parsePointer, valueAt } from "./json-pointer.js";

// Values that hold data rather than subschemas: a "$ref" string in an example is not a reference.
const DATA_KEYWORDS = new Set(["const", "enum", "default", "examples", "example"]);
const REF_KEYWORDS = ["$ref", "$dynamicRef"];
const NAME_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);

export interface ExternalRef {
  /** Pointer of the schema object that holds the reference. */
  path: string;
  keyword: string;
  ref: string;
}

interface RefAt {
  /** Pointer of the `$ref` keyword. */
  at: string;
  ref: string;
}

/**
 * The first reference to another document, even one the validator happens to know (its
 * meta-schemas): a definition must say everything about its payload by itself.
 */
export function externalRefOf(schema: object): ExternalRef | undefined {
  const found = refsOf(schema).find((r) => !r.ref.startsWith("#"));
  if (found === undefined) return undefined;
  const keyword = found.at.slice(found.at.lastIndexOf("/") + 1);
  return { path: found.at.slice(0, found.at.lastIndexOf("/")), keyword, ref: found.ref };
}

/**
 * The schema's local `$ref`s by JSON pointer (`#/$defs/slot`): the pointers they reach, and those
 * that reach nothing. Anchors (`#name`) are left to the compiler.
 */
export function localRefTargets(schema: object): { targets: string[]; dangling: RefAt[] } {
  const targets = new Set<string>();
  const dangling: RefAt[] = [];
  for (const r of refsOf(schema)) {
    if (!r.ref.startsWith("#/") && r.ref !== "#") continue;
    const pointer = safeDecode(r.ref.slice(1));
    const segments = pointer === undefined ? undefined : parsePointer(pointer);
    if (segments === undefined || valueAt(schema, segments) === undefined) dangling.push(r);
    else targets.add(pointer!);
  }
  return { targets: [...targets], dangling };
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Every reference keyword in the schema, in document order. Keywords are checked, data values
 * skipped, and maps of names (properties, $defs) entered as maps, so a property called "default"
 * or "$ref" is still taken as a subschema. */
function refsOf(schema: object): RefAt[] {
  const out: RefAt[] = [];
  const walk = (node: unknown, path: string): void => {
    if (typeof node !== "object" || node === null) return;
    if (Array.isArray(node)) return node.forEach((item, i) => walk(item, childPointer(path, i)));
    for (const [key, value] of Object.entries(node)) {
      const at = childPointer(path, key);
      if (REF_KEYWORDS.includes(key) && typeof value === "string") out.push({ at, ref: value });
      else if (DATA_KEYWORDS.has(key)) continue;
      else if (NAME_MAPS.has(key) && isObject(value))
        for (const [name, sub] of Object.entries(value)) walk(sub, childPointer(at, name));
      else walk(value, at);
    }
  };
  walk(schema, "");
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
