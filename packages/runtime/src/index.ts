export type { Service, ServiceContext, ServiceFactory } from "./service.js";
export { startServices } from "./start-services.js";
export type { StartOptions, RunningServices } from "./start-services.js";
export { stopOnSignals } from "./shutdown.js";
export { createKeyAuthenticator } from "./key-authenticator.js";
