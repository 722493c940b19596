const MAX_LENGTH = 500;

/** A one-line account of a network error for the delivery log: code, message and cause. */
export function describeError(error: unknown): string {
  const text = describe(error, 0);
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH)}…` : text;
}

function describe(error: unknown, depth: number): string {
  if (depth > 3) return "…";
  // Happy-eyeballs connects fail with an AggregateError holding one error per address tried.
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map((e: unknown) => describe(e, depth + 1)).join("; ");
  }
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const message = error.message || error.name;
  const text = typeof code === "string" && !message.includes(code) ? `${code}: ${message}` : message;
  return error.cause === undefined ? text : `${text} (${describe(error.cause, depth + 1)})`;
}
