import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
/** Resolves a `$ref` to the schema fragment it names, or undefined. */
export type SchemaRefResolver = (ref: string) => object | undefined;

// Relative to this file, so the same path works from src/ and from dist/.
const DEFAULT_DIR = new URL("../../../schemas/events/", import.meta.url);
const FILE_NAME = /^[A-Za-z0-9_-]{1,64}\.schema\.json$/;

/**
 * Resolves the `$ref`s of system event schemas (`envelope.schema.json#/$defs/name`, or the same by
 * absolute `$id`) to the fragment they name, for checking rule `var` paths against an event. A
 * fragment's own local refs (`#/$defs/shortText`) are rewritten to name its file, so that whoever
 * walks it resolves them in the right document. Only `*.schema.json` files of that directory load.
 */
export function createEventRefResolver(dir: string | URL = DEFAULT_DIR): SchemaRefResolver {
  const base = dir instanceof URL ? fileURLToPath(dir) : dir.endsWith("/") ? dir : `${dir}/`;
  const files = new Map<string, object | undefined>();
  const load = (file: string): object | undefined => {
    if (!files.has(file)) files.set(file, readSchemaFile(base, file));
    return files.get(file);
  };
  return (ref) => {
    const [location = "", fragment = ""] = ref.split("#", 2);
    const file = location.slice(location.lastIndexOf("/") + 1);
    if (!FILE_NAME.test(file)) return undefined;
    const document = load(file);
    const target = document === undefined ? undefined : pointTo(document, fragment);
    return target === undefined ? undefined : qualifyLocalRefs(target, file);
  };
}

function readSchemaFile(base: string, file: string): object | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(base + file, "utf8"));
    return typeof parsed === "object" && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** RFC 6901, own properties only. */
function pointTo(document: object, pointer: string): object | undefined {
  if (pointer === "") return document;
  if (!pointer.startsWith("/")) return undefined;
  let node: unknown = document;
  for (const raw of pointer.slice(1).split("/")) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === "object" && node !== null ? node : undefined;
}

function qualifyLocalRefs<T>(node: T, file: string): T {
  if (Array.isArray(node)) return node.map((item) => qualifyLocalRefs(item, file)) as T;
  if (typeof node !== "object" || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] =
      key === "$ref" && typeof value === "string" && value.startsWith("#")
        ? file + value
        : qualifyLocalRefs(value, file);
  }
  return out as T;
}
