import { EVENT_TYPES, type EventType } from "@switchboard/contracts";

/**
 * The TypeScript shape of each system event type's `info`. The list of types is the contracts'
 * (`EVENT_TYPES`); the JSON Schemas in `schemas/events/` describe each one, and a test keeps the
 * list equal to the schema files.
 */
export { EVENT_TYPES, type EventType };

export function isEventType(value: unknown): value is EventType {
  return (EVENT_TYPES as readonly unknown[]).includes(value);
}

// Type aliases, not interfaces: an interface has no index signature, so it would not be
// assignable to the generic `EventEnvelope` that outbox and bus code pass around.

/** Fields every plan event's `info` carries. */
export type PlanEventInfo = {
  planId: string;
  /** True if the event originates from a test user, not a real user. */
  isTest: boolean;
};

export type RoleAssignment = { roleId: string; userId: string };

export type PlanCreatedInfo = PlanEventInfo & {
  templateName: string;
  userId: string;
  roleAssignments: RoleAssignment[];
};

export type FormAssignedInfo = PlanEventInfo & {
  formName: string;
  formAssignmentId: string;
  userId: string;
  prefill: Record<string, unknown>;
};

export type FormSubmittedInfo = PlanEventInfo & {
  formName: string;
  formAssignmentId: string;
  data: Record<string, unknown>;
};

export type WorkQueueItemCreatedInfo = PlanEventInfo & {
  workQueueName: string;
  workQueueItemId: string;
  status: string;
  priority: number;
  serviceLocation: string | null;
};

export type WorkQueueItemStatusUpdatedInfo = PlanEventInfo & {
  workQueueName: string;
  workQueueItemId: string;
  status: string;
  oldStatus: string;
  priority: number;
  serviceLocation: string | null;
};

/** About the platform itself, not a plan: no planId or isTest. */
export type WebhookEndpointDisabledInfo = {
  subscriptionId: string;
  url: string;
  reason: string;
  /** The first failure since the last success, or null when deliveries had not been failing. */
  failingSince: string | null;
};

/** What a NATS credential may do: its org's events, its org's inbound subjects, its own durable consumer. */
export type NatsCredentialAccess = "subscribe" | "publish" | "consume";

export type NatsCredentialRevokedInfo = {
  credentialId: string;
  name: string;
  publicKey: string;
};

export type NatsCredentialCreatedInfo = NatsCredentialRevokedInfo & {
  access: NatsCredentialAccess[];
  expiresAt: string | null;
};

export type EventInfo = {
  planCreated: PlanCreatedInfo;
  formAssigned: FormAssignedInfo;
  formSubmitted: FormSubmittedInfo;
  workQueueItemCreated: WorkQueueItemCreatedInfo;
  workQueueItemStatusUpdated: WorkQueueItemStatusUpdatedInfo;
  webhookEndpointDisabled: WebhookEndpointDisabledInfo;
  natsCredentialCreated: NatsCredentialCreatedInfo;
  natsCredentialRevoked: NatsCredentialRevokedInfo;
};

/** The `info` type for an event type: the declared one for a known type, any object otherwise. */
export type InfoFor<T extends string> = T extends EventType ? EventInfo[T] : Record<string, unknown>;
