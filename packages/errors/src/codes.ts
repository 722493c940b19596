/** Stable error codes. Clients match on these; never rename one, only add. */
export const ErrorCodes = {
  Validation: "SB_ERR_VALIDATION",
  MalformedJson: "SB_ERR_MALFORMED_JSON",
  BodyTooLarge: "SB_ERR_BODY_TOO_LARGE",
  JsonTooDeep: "SB_ERR_JSON_TOO_DEEP",
  UnsupportedMediaType: "SB_ERR_UNSUPPORTED_MEDIA_TYPE",
  InvalidName: "SB_ERR_INVALID_NAME",
  Unauthenticated: "SB_ERR_UNAUTHENTICATED",
  Forbidden: "SB_ERR_FORBIDDEN",
  NotFound: "SB_ERR_NOT_FOUND",
  Conflict: "SB_ERR_CONFLICT",
  RateLimited: "SB_ERR_RATE_LIMITED",
  /** An org used up a quota that resets later (its inbound bytes for the day). */
  QuotaExceeded: "SB_ERR_QUOTA_EXCEEDED",
  Config: "SB_ERR_CONFIG",
  Unavailable: "SB_ERR_UNAVAILABLE",
  Timeout: "SB_ERR_TIMEOUT",
  Internal: "SB_ERR_INTERNAL",
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
