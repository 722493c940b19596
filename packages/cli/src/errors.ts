/** Exit statuses, so scripts and CI can tell "your files have problems" from "you called it wrong". */
export const ExitCodes = {
  Ok: 0,
  /** A file, or the server, found a problem; or the server could not be reached. */
  Problems: 1,
  /** Unknown command or flag, a missing argument or setting. */
  Usage: 2,
} as const;

export type ExitCode = (typeof ExitCodes)[keyof typeof ExitCodes];

/** The command line was wrong; the caller prints the message and the usage of `command`. */
export class UsageError extends Error {
  readonly command: string;

  constructor(message: string, command: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = "UsageError";
    this.command = command;
  }
}

/** The server could not be reached or answered something that is not the API. */
export class ApiUnreachableError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = "ApiUnreachableError";
  }
}
