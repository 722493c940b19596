export { ErrorCodes } from "./codes.js";
export type { ErrorCode } from "./codes.js";
export {
  SwitchboardError,
  ValidationError,
  InvalidNameError,
  NotFoundError,
  ConflictError,
  UnauthenticatedError,
  ForbiddenError,
  ConfigError,
  UnavailableError,
  isSwitchboardError,
} from "./errors.js";
export type { ErrorOptions } from "./errors.js";
export { ok, err } from "./result.js";
export type { Result } from "./result.js";
