export { generateSigningSecret, validateSigningSecret, SECRET_PREFIX } from "./signing-secret.js";
export { sign, signatureHeader, verify } from "./signature.js";
export type { SignedHeaders, VerifyOptions } from "./signature.js";
export { webhookHeaders, USER_AGENT } from "./webhook-headers.js";
export type { WebhookHeadersOptions } from "./webhook-headers.js";

export { validateUrlSyntax } from "./url-syntax.js";
export { checkDestination, resolveWithSystem } from "./destination-check.js";
export type { CheckDestinationOptions, CheckedDestination, Resolve } from "./destination-check.js";
export { createDestinationCache } from "./destination-cache.js";
export type { DestinationCache, DestinationCacheOptions } from "./destination-cache.js";
export { validateAllowlist } from "./allowlist.js";
export { ALLOWLIST_VARIABLE } from "./destination-problem.js";
export type { DestinationProblem } from "./destination-problem.js";

export { deliver } from "./deliver.js";
export type { DeliverOptions } from "./deliver.js";
export type { DeliveryOutcome } from "./delivery-outcome.js";
export { createDeliveryPools } from "./delivery-pools.js";
export type { DeliveryPools, DeliveryPoolsOptions } from "./delivery-pools.js";

export {
  DEFAULT_RETRY_SCHEDULE_MS,
  MAX_RETRY_DELAY_MS,
  nextAttemptDelay,
  validateRetrySchedule,
} from "./retry-schedule.js";
