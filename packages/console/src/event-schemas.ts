import { fileURLToPath } from "node:url";
import { createEventRefResolver, createSchemaRegistry, EVENT_TYPES } from "@switchboard/events";

/** The repository's system event schemas, as the events package reads them. */
export const SYSTEM_EVENT_SCHEMA_DIR = fileURLToPath(new URL("../../../schemas/events/", import.meta.url));

/** What the page checks rules on system events against: each event's schema, and every `$ref` they reach. */
export interface SystemEventSchemas {
  schemas: Record<string, object>;
  refs: Record<string, object>;
}

/** Read at build time, so the page needs neither the files nor a request for them. */
export function systemEventSchemas(dir: string = SYSTEM_EVENT_SCHEMA_DIR): SystemEventSchemas {
  const registry = createSchemaRegistry({ dir });
  const resolve = createEventRefResolver(dir);
  const schemas: Record<string, object> = {};
  for (const type of EVENT_TYPES) {
    const schema = registry.schema(type);
    if (schema !== undefined) schemas[type] = schema;
  }
  const refs: Record<string, object> = {};
  const pending = [...Object.values(schemas)];
  while (pending.length > 0) {
    for (const ref of refsIn(pending.pop())) {
      if (ref in refs || ref.startsWith("#")) continue;
      const target = resolve(ref);
      if (target === undefined) continue;
      refs[ref] = target;
      pending.push(target);
    }
  }
  return { schemas, refs };
}

function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refsIn(item, out);
  else if (node !== null && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") out.push(value);
      else refsIn(value, out);
    }
  }
  return out;
}
