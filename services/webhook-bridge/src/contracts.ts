/**
 * What the subscriptions side (storage, HTTP API) and the delivery side (consumers, attempts,
 * replay) of the webhook bridge promise each other.
 */
import type { Infer } from "@switchboard/contracts";
import type { createBody } from "./subscriptions/webhooks.schemas.js";
import type { attemptSchema } from "./subscriptions/webhook-replies.schemas.js";

/** Credentials the bridge sends to the destination (stored encrypted). */
export type DestinationAuth =
  | { type: "basic"; username: string; password: string }
  | { type: "bearer"; token: string }
  | { type: "header"; name: string; value: string };

/**
 * What a user chooses about a subscription, checked and compiled: every setting of the API's create
 * body (its names and types), each present, with the destination's auth as its known kinds. A
 * retrySchedule is ms before each attempt; null: the configured default.
 */
export type SubscriptionSettings = Required<Omit<Infer<typeof createBody>, "auth">> & {
  auth: DestinationAuth | null;
};

/** Whether the subscription delivers, and if not why. */
export interface SubscriptionStatus {
  enabled: boolean;
  disabledReason: string | null;
  failingSince: string | null;
}

/** A subscription as the delivery side needs it: secrets decrypted, filter and mapping as saved. */
export interface SubscriptionRecord extends SubscriptionSettings, SubscriptionStatus {
  id: string;
  orgId: string;
  /** Signing secrets still valid, newest first: during a rotation both sign every request. */
  signingSecrets: string[];
}

/** One delivery attempt as the log shows it (the deliveries route's reply schema). */
export type AttemptView = Infer<typeof attemptSchema>;

export type ReplayRange = { messageId: string } | { since: string; until?: string };

/** Implemented by the delivery side; called by the subscriptions API after each committed change. */
export interface DeliveryControl {
  /** Creates or updates the subscription's durable consumer and starts (enabled) or stops (disabled) pulling, on every replica. */
  subscriptionSaved(sub: SubscriptionRecord): Promise<void>;
  /** Stops pulling and deletes the durable consumer. */
  subscriptionDeleted(orgId: string, subscriptionId: string): Promise<void>;
  /** Sends a synthetic event now, signed like any delivery, and logs the attempt (kind "test"). */
  sendTest(sub: SubscriptionRecord): Promise<AttemptView>;
  /** Re-delivers past events of the subscription's types (kind "replay"); returns how many were queued. */
  replay(sub: SubscriptionRecord, range: ReplayRange): Promise<{ replayed: number }>;
}
