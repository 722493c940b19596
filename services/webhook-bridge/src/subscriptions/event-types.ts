import { InvalidNameError, ValidationError } from "@switchboard/errors";
import { EVENT_TYPES, assertEventType } from "@switchboard/events";

/** Subscribes to every system event type, including types added later. */
export const ALL_EVENT_TYPES = "*";

type FieldProblem = { path: string; message: string };

const KINDS = `the platform's own (${EVENT_TYPES.join(", ")}), a custom type that a rule emits, or "*" for all`;

/**
 * The platform's types, custom types (any name an emit action may publish under), or `*`; without
 * repeats; `*` with others is just `*`. A name is a subject token, as for every event subject, so
 * none can widen the consumer's filter past the types it names.
 */
export function checkEventTypes(eventTypes: readonly string[]): string[] {
  if (eventTypes.length === 0) {
    const message = `eventTypes must name at least one event type: ${KINDS}`;
    throw new ValidationError(message, { details: [{ path: "body/eventTypes", message }] });
  }
  const problems = eventTypes.flatMap((type, index) =>
    type === ALL_EVENT_TYPES ? [] : nameProblems(type, index),
  );
  if (problems.length > 0) {
    const message = `${problems.map((p) => p.message).join("; ")}. An event type is ${KINDS}`;
    throw new ValidationError(message, { details: problems });
  }
  return eventTypes.includes(ALL_EVENT_TYPES) ? [ALL_EVENT_TYPES] : [...new Set(eventTypes)];
}

// The names module's check and wording, so a subscription and an emit agree on what a type is.
function nameProblems(type: string, index: number): FieldProblem[] {
  try {
    assertEventType(type);
    return [];
  } catch (error) {
    if (!(error instanceof InvalidNameError)) throw error;
    return [{ path: `body/eventTypes/${index}`, message: `eventTypes/${index}: ${error.message}` }];
  }
}
