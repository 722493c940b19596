/**
 * The subscriptions side of the webhook bridge, as the delivery side and the service use it.
 * Repository functions take the database handle first; records carry secrets decrypted, so they
 * stay inside the service.
 */
export { loadSubscription, listEnabledSubscriptions } from "./subscription-record.js";
export { markFailing, markSucceeded, disableSubscription } from "./subscription.repository.js";
export { applyMapping, matchesFilter } from "./event-mapping.js";
export { ALL_EVENT_TYPES } from "./event-types.js";
export { loadSecretsKeyring, KEYRING_VARIABLE } from "./secrets-keyring.js";
export { toAttemptView } from "./attempt-log.repository.js";
export { webhookRoutes } from "./webhooks.routes.js";
export { webhookHealth } from "./webhook-health.js";
export type { SubscriptionParts } from "./subscription-parts.js";
