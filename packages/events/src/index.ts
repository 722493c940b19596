export * from "./browser.js";
export { buildEvent, eventTypeOf, parseMessageType } from "./envelope.js";
export type { EventEnvelope, BuildEventInput, MessageType } from "./envelope.js";
export { createSchemaRegistry } from "./schema-registry.js";
export type { SchemaRegistry, SchemaRegistryOptions } from "./schema-registry.js";
export { createEventRefResolver } from "./event-schema-refs.js";
export type { SchemaRefResolver } from "./event-schema-refs.js";
