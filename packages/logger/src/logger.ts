import { pino, type Logger, type LoggerOptions } from "pino";

export type { Logger };

/** Paths never written to a log: credentials, keys and secrets, wherever they appear. */
export const REDACT_PATHS = [
  "authorization",
  "*.authorization",
  "headers.authorization",
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-api-key"]',
  "key",
  "*.key",
  "apiKey",
  "*.apiKey",
  "secret",
  "*.secret",
  "*.signingSecret",
  "password",
  "*.password",
  "token",
  "*.token",
  "signingSecret",
  "credentials",
  "*.credentials",
  "databaseUrl",
  "adminKey",
];

export interface LoggerConfig {
  level?: string;
  name?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(config: LoggerConfig = {}): Logger {
  const options: LoggerOptions = {
    level: config.level ?? "info",
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    base: config.name === undefined ? {} : { service: config.name },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return config.destination === undefined ? pino(options) : pino(options, config.destination as never);
}

/** A child logger whose every line carries the trace id of the event being handled. */
export function withTrace(logger: Logger, traceId: string | undefined): Logger {
  return traceId === undefined ? logger : logger.child({ traceId });
}
