import { ErrorCodes, type ErrorCode } from "./codes.js";

export interface ErrorOptions {
  cause?: unknown;
  /** Structured detail safe to show a caller (e.g. schema errors). */
  details?: unknown;
}

/** Base of every error Switchboard raises on purpose: a stable `code` and a message a user can act on. */
export class SwitchboardError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SwitchboardError";
    this.code = code;
    this.details = options.details;
  }

  toJSON(): { code: ErrorCode; message: string; details?: unknown } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export class ValidationError extends SwitchboardError {
  constructor(message: string, options: ErrorOptions = {}) {
    super(ErrorCodes.Validation, message, options);
    this.name = "ValidationError";
  }
}

export class InvalidNameError extends SwitchboardError {
  constructor(message: string, options: ErrorOptions = {}) {
    super(ErrorCodes.InvalidName, message, options);
    this.name = "InvalidNameError";
  }
}

export class NotFoundError extends SwitchboardError {
  constructor(message: string, options: ErrorOptions = {}) {
    super(ErrorCodes.NotFound, message, options);
    this.name = "NotFoundError";
  }
}

export class ConflictError extends SwitchboardError {
  constructor(message: string, options: ErrorOptions = {}) {
    super(ErrorCodes.Conflict, message, options);
    this.name = "ConflictError";
  }
}

export class UnauthenticatedError extends SwitchboardError {
  constructor(
    message = "a valid API key is required (Authorization: Bearer <key>)",
    options: ErrorOptions = {},
  ) {
    super(ErrorCodes.Unauthenticated, message, options);
    this.name = "UnauthenticatedError";
  }
}

export class ForbiddenError extends SwitchboardError {
  constructor(message: string, options: ErrorOptions = {}) {
    super(ErrorCodes.Forbidden, message, options);
    this.name = "ForbiddenError";
  }
}

export class ConfigError extends SwitchboardError {
  readonly variable: string;
  constructor(variable: string, message: string, options: ErrorOptions = {}) {
    super(ErrorCodes.Config, `${variable}: ${message}`, options);
    this.name = "ConfigError";
    this.variable = variable;
  }
}

export class UnavailableError extends SwitchboardError {
  constructor(message: string, options: ErrorOptions = {}) {
    super(ErrorCodes.Unavailable, message, options);
    this.name = "UnavailableError";
  }
}

/** Whether a value is one of ours (works across package copies, unlike instanceof). */
export function isSwitchboardError(value: unknown): value is SwitchboardError {
  return (
    value instanceof Error &&
    typeof (value as unknown as { code?: unknown }).code === "string" &&
    String((value as unknown as { code: string }).code).startsWith("SB_ERR_")
  );
}
