import type { Infer } from "@switchboard/contracts";
import { ValidationError } from "@switchboard/errors";
import type { ReplayRange } from "../contracts.js";
import type { replayBody } from "./webhooks.schemas.js";

export type ReplayInput = Infer<typeof replayBody>;

// A zone is required: a time without one would mean different instants on different servers.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** One message by id, or the events of a time range (until defaults to now), in UTC ISO form. */
export function checkReplayRange(input: ReplayInput, now: Date): ReplayRange {
  const { messageId, since, until } = input;
  if (messageId !== undefined) {
    if (since !== undefined || until !== undefined)
      throw invalid("give either messageId or since (and until), not both");
    return { messageId };
  }
  if (since === undefined) throw invalid("give messageId, or since (and optionally until) as ISO-8601 times");
  const from = time("since", since);
  if (from > now.getTime()) throw invalid("since is in the future: there is nothing to replay yet");
  if (until === undefined) return { since: new Date(from).toISOString() };
  const to = time("until", until);
  if (to <= from) throw invalid("until must be later than since");
  return { since: new Date(from).toISOString(), until: new Date(to).toISOString() };
}

function time(field: string, value: string): number {
  const ms = Date.parse(value);
  if (!ISO_TIME.test(value) || Number.isNaN(ms))
    throw invalid(`${field} must be an ISO-8601 time with a zone, e.g. 2026-11-21T10:00:00Z`);
  return ms;
}

const invalid = (message: string): ValidationError => new ValidationError(message);
