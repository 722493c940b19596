/** Ends a helper script on a problem with its input or its connection: the message, no stack, exit code 2. */
export function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

/** The error's code (ENOENT, EACCES, …) when it has one, else its message. */
export function reason(error: unknown): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return typeof code === "string" ? code : String(message ?? error);
}
