export { createWebhookBridgeService, type WebhookBridgeService } from "./webhook-bridge.service.js";
export type { DeliveryParts, DeliverySide, WebhookBridgeOptions } from "./webhook-bridge.service.js";
export { SCHEMA, migrations } from "./migrations.js";
export type {
  AttemptView,
  DeliveryControl,
  DestinationAuth,
  ReplayRange,
  SubscriptionRecord,
} from "./contracts.js";
export {
  applyMapping,
  disableSubscription,
  listEnabledSubscriptions,
  loadSubscription,
  markFailing,
  markSucceeded,
  matchesFilter,
} from "./subscriptions/index.js";
