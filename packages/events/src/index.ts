export {
  TOKEN_PATTERN,
  TOKEN_MAX_LENGTH,
  INBOUND_NAME_MAX_LENGTH,
  isToken,
  isInboundName,
  assertNamespace,
  assertOrgId,
  assertEventType,
  assertInboundName,
} from "./names.js";
export {
  eventSubject,
  eventFilter,
  inboundSubject,
  inboundFilter,
  dlqSubject,
  dlqFilter,
  commandSubject,
  parseSubject,
} from "./subjects.js";
export type { SubjectKind, ParsedSubject } from "./subjects.js";
export { EVENT_TYPES, isEventType } from "./event-types.js";
export type {
  EventType,
  EventInfo,
  InfoFor,
  PlanEventInfo,
  RoleAssignment,
  PlanCreatedInfo,
  FormAssignedInfo,
  FormSubmittedInfo,
  WorkQueueItemCreatedInfo,
  WorkQueueItemStatusUpdatedInfo,
  WebhookEndpointDisabledInfo,
  NatsCredentialAccess,
  NatsCredentialCreatedInfo,
  NatsCredentialRevokedInfo,
} from "./event-types.js";
export { buildEvent, eventTypeOf, parseMessageType } from "./envelope.js";
export type { EventEnvelope, BuildEventInput, MessageType } from "./envelope.js";
export { toSchemaErrors } from "./schema-errors.js";
export { payloadSchemaAjv } from "./payload-ajv.js";
export type { SchemaError } from "./schema-errors.js";
export { createSchemaRegistry } from "./schema-registry.js";
export type { SchemaRegistry, SchemaRegistryOptions } from "./schema-registry.js";
export { compileParamsValidator } from "./params-validator.js";
export { createEventRefResolver } from "./event-schema-refs.js";
export type { SchemaRefResolver } from "./event-schema-refs.js";
