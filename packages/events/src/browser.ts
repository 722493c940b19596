// What of this package runs in a browser as well as in Node (no node: modules): names, subjects, event
// types, payload-schema checking. The web console bundles it through the "browser" export condition;
// `index.ts` adds the parts that read files or use node:crypto.
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
export { toSchemaErrors } from "./schema-errors.js";
export { payloadSchemaAjv } from "./payload-ajv.js";
export { linearRegExp } from "./linear-regexp.js";
export type { SchemaError } from "./schema-errors.js";
export { compileParamsValidator } from "./params-validator.js";
