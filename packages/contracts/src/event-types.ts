/**
 * The system event types the platform's own services publish (a rule must not forge them). The
 * JSON Schemas in `schemas/events/` describe each one; a test keeps this list equal to those files.
 */
export const EVENT_TYPES = Object.freeze([
  "planCreated",
  "formAssigned",
  "formSubmitted",
  "workQueueItemCreated",
  "workQueueItemStatusUpdated",
  "webhookEndpointDisabled",
  "natsCredentialCreated",
  "natsCredentialRevoked",
] as const);

export type EventType = (typeof EVENT_TYPES)[number];
