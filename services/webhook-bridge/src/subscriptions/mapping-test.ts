import type { Infer } from "@switchboard/contracts";
import { ValidationError } from "@switchboard/errors";
import { eventTypeOf, type SchemaRegistry } from "@switchboard/events";
import { applyMapping, matchesFilter } from "./event-mapping.js";
import { ALL_EVENT_TYPES } from "./event-types.js";
import type { SubscriptionRecord } from "../contracts.js";
import type { mappingTestReply } from "./webhook-replies.schemas.js";

/** Whether the filter lets the event through, whether its type is subscribed, the body it would send. */
export type MappingTestResult = Infer<typeof mappingTestReply>;

/**
 * Runs a subscription's filter and mapping on a sample event, as a delivery would, and changes
 * nothing. The sample must be a valid system event, so what passes here behaves the same live.
 */
export function testMapping(
  schemas: SchemaRegistry,
  sub: Pick<SubscriptionRecord, "eventTypes" | "filter" | "mapping">,
  event: unknown,
): MappingTestResult {
  const eventType = checkSample(schemas, event);
  const matched = matchesFilter(sub.filter, event);
  if (!matched.ok) throw new ValidationError(matched.error);
  const body = applyMapping(sub.mapping, event);
  if (!body.ok) throw new ValidationError(body.error);
  const eventTypeSubscribed = sub.eventTypes.includes(ALL_EVENT_TYPES) || sub.eventTypes.includes(eventType);
  return { matched: matched.value, eventTypeSubscribed, body: body.value };
}

function checkSample(schemas: SchemaRegistry, event: unknown): string {
  const messageType = (event as { messageType?: unknown } | null)?.messageType;
  const eventType =
    typeof event === "object" && event !== null && !Array.isArray(event) && typeof messageType === "string"
      ? eventTypeOf({ messageType })
      : undefined;
  if (eventType === undefined)
    throw invalidEvent(
      "the event must be a system event object whose messageType is <namespace>.<orgId>.<eventType>",
      [],
    );
  const valid = schemas.validate(eventType, event);
  if (!valid.ok) {
    const [first] = valid.error;
    const where = `${first?.path || "/"} ${first?.message ?? ""}`.trim();
    throw invalidEvent(`the event is not a valid ${eventType} event: ${where}`, valid.error);
  }
  return eventType;
}

function invalidEvent(
  message: string,
  errors: { path: string; message: string; keyword: string }[],
): ValidationError {
  return new ValidationError(message, {
    details: errors.map((e) => ({ path: `body/event${e.path}`, message: e.message, keyword: e.keyword })),
  });
}
