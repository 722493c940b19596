import { ValidationError } from "@switchboard/errors";
import { EVENT_TYPES, isEventType } from "@switchboard/events";

/** Subscribes to every system event type, including types added later. */
export const ALL_EVENT_TYPES = "*";

/** Known types (or `*`), without repeats; `*` with others is just `*`. */
export function checkEventTypes(eventTypes: readonly string[]): string[] {
  if (eventTypes.length === 0) throw invalid('eventTypes must name at least one event type, or "*" for all');
  const unknown = eventTypes.filter((t) => t !== ALL_EVENT_TYPES && !isEventType(t));
  if (unknown.length > 0) {
    const names = unknown.map((t) => JSON.stringify(t)).join(", ");
    throw invalid(
      `unknown event type${unknown.length > 1 ? "s" : ""} ${names}; known types: ${EVENT_TYPES.join(", ")}, or "*" for all`,
    );
  }
  return eventTypes.includes(ALL_EVENT_TYPES) ? [ALL_EVENT_TYPES] : [...new Set(eventTypes)];
}

const invalid = (message: string): ValidationError =>
  new ValidationError(message, { details: [{ path: "body/eventTypes", message }] });
