import { ValidationError } from "@switchboard/errors";
import { assertEventType } from "@switchboard/events";

export const MAX_TYPES = 50;

/**
 * `types=a,b` → ["a", "b"]. Every type must be a subject token (custom events emitted by rules
 * are allowed, not only the platform's own types): a `*` or `>` in one would widen the filter.
 */
export function parseTypes(value: string | undefined): string[] {
  if (value === undefined || value === "") return [];
  const types = [...new Set(value.split(",").map((t) => t.trim()))];
  if (types.length > MAX_TYPES)
    throw new ValidationError(`types names ${types.length} types; at most ${MAX_TYPES}`);
  return types.map(assertEventType);
}
