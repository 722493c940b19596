import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createSchemaRegistry, type SchemaRegistry } from "@switchboard/events";
import type { RefResolver } from "@switchboard/rules";

// The repository's system event schemas, relative to this file as the events package finds them.
const EVENTS_DIR = fileURLToPath(new URL("../../../schemas/events/", import.meta.url));
const FILE_NAME = /^[A-Za-z0-9_-]{1,64}\.schema\.json$/;

/** What a rule on a system event is checked against: the event's schema and its `$ref`s. */
export interface SystemEvents {
  schema(eventType: string): object | undefined;
  resolveRef: RefResolver;
}

/** Loaded on first use: a set of files with only inbound rules never reads the event schemas. */
export function systemEvents(dir: string = EVENTS_DIR): SystemEvents {
  let registry: SchemaRegistry | undefined;
  const files = new Map<string, object | undefined>();
  return {
    schema: (eventType) => (registry ??= createSchemaRegistry({ dir })).schema(eventType),
    resolveRef(ref) {
      const [location = "", fragment = ""] = ref.split("#", 2);
      const file = location.slice(location.lastIndexOf("/") + 1);
      if (!FILE_NAME.test(file)) return undefined;
      if (!files.has(file)) files.set(file, readJson(dir + file));
      const target = pointTo(files.get(file), fragment);
      return target === undefined ? undefined : qualifyLocalRefs(target, file);
    },
  };
}

function readJson(path: string): object | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
    return typeof parsed === "object" && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** RFC 6901 within a URI fragment; own properties only. */
function pointTo(document: object | undefined, pointer: string): object | undefined {
  if (pointer !== "" && !pointer.startsWith("/")) return undefined;
  let node: unknown = document;
  for (const raw of pointer === "" ? [] : pointer.slice(1).split("/")) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === "object" && node !== null ? node : undefined;
}

/** A fragment's local refs (`#/$defs/x`) name its own file, so whoever walks it resolves them there. */
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
