export { createLogger, withTrace, REDACT_PATHS } from "./logger.js";
export type { Logger, LoggerConfig } from "./logger.js";
