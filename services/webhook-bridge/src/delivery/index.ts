export { createDeliveryEngine } from "./delivery-engine.js";
export type { DeliveryEngine, DeliveryEngineDeps } from "./delivery-engine.js";
export { MAX_REPLAY_EVENTS } from "./replay-finder.js";
export { changeSubject } from "./change-notification.js";
