import { JetStreamApiError } from "@nats-io/jetstream";
import { ErrorCodes, SwitchboardError, UnavailableError, isSwitchboardError } from "@switchboard/errors";

/** JetStream API error codes the bus reacts to (the client only names a few of them). */
export const ApiCodes = {
  ConsumerNotFound: 10014,
  StreamNameInUse: 10058,
  StreamNotFound: 10059,
  StreamSubjectOverlap: 10065,
} as const;

export function isApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}

/**
 * One of our errors for a failed JetStream call: the server refusing a request (4xx) is a
 * configuration problem; a server-side failure (5xx, e.g. a cluster peer that could not create a
 * stream's store yet) and anything else (timeout, no responders, disconnected) is unavailability,
 * which a caller may try again.
 */
export function toBusError(error: unknown, what: string): SwitchboardError {
  if (isSwitchboardError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof JetStreamApiError) {
    const code = error.status >= 500 ? ErrorCodes.Unavailable : ErrorCodes.Config;
    return new SwitchboardError(code, `${what}: ${message}`, {
      cause: error,
      details: { apiCode: error.code, status: error.status },
    });
  }
  if (error instanceof Error && error.name === "JetStreamNotEnabled") {
    // What the client says when nothing answered: no stream takes the subject, or no JetStream.
    // (The class is not exported, hence the name check.)
    return new UnavailableError(`${what}: no JetStream responder (no stream for the subject?)`, {
      cause: error,
    });
  }
  return new UnavailableError(`${what}: ${message}`, { cause: error });
}
