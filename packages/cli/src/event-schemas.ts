import { fileURLToPath } from "node:url";
import { createEventRefResolver, createSchemaRegistry, type SchemaRegistry } from "@switchboard/events";
import type { RefResolver } from "@switchboard/rules";

// The repository's system event schemas, relative to this file as the events package finds them.
const EVENTS_DIR = fileURLToPath(new URL("../../../schemas/events/", import.meta.url));

/** What a rule on a system event is checked against: the event's schema and its `$ref`s. */
export interface SystemEvents {
  schema(eventType: string): object | undefined;
  resolveRef: RefResolver;
}

/** Loaded on first use: a set of files with only inbound rules never reads the event schemas. */
export function systemEvents(dir: string = EVENTS_DIR): SystemEvents {
  let registry: SchemaRegistry | undefined;
  let resolver: RefResolver | undefined;
  return {
    schema: (eventType) => (registry ??= createSchemaRegistry({ dir })).schema(eventType),
    resolveRef: (ref) => (resolver ??= createEventRefResolver(dir))(ref),
  };
}
