import type { Kysely } from "kysely";
import { NotFoundError } from "@switchboard/errors";
import type { NatsConnection } from "@switchboard/bus";
import type { ReplayRange, SubscriptionRecord } from "../contracts.js";
import { matchesFilter } from "../subscriptions/index.js";
import { findStreamSeq } from "./delivery-attempt.repository.js";
import { parseEventMessage } from "./event-message.js";
import { readStoredEvent, scanEvents, type StoredEvent } from "./event-reader.js";
import { filterSubjectOf, wantsEventType } from "./subscription-consumer.js";
import type { WebhookBridgeDB } from "../webhook-bridge.tables.js";

/** A replay call delivers at most this many events; a longer range is replayed in parts. */
export const MAX_REPLAY_EVENTS = 10_000;

export interface ReplaySource {
  nc: NatsConnection;
  db: Kysely<WebhookBridgeDB>;
  namespace: string;
  /** The EVENTS stream. */
  stream: string;
  now: () => Date;
}

/**
 * The stream sequences of the events a replay re-delivers, oldest first: those of the
 * subscription's org and types that its filter lets through, as a live delivery would.
 */
export async function findReplayEvents(
  source: ReplaySource,
  sub: SubscriptionRecord,
  range: ReplayRange,
): Promise<number[]> {
  if ("messageId" in range) {
    const event = await findByMessageId(source, sub, range.messageId);
    if (event === undefined)
      throw new NotFoundError(
        `no event ${range.messageId} of this subscription's org and event types is in the stream`,
      );
    return wanted(sub, event) ? [event.seq] : [];
  }
  const until = range.until === undefined ? source.now().getTime() : Date.parse(range.until);
  const seqs: number[] = [];
  const filterSubject = filterSubjectOf(source.namespace, sub);
  await scanEvents(source.nc, { stream: source.stream, filterSubject, since: range.since }, (event) => {
    if (event.storedAtMs > until) return "stop";
    if (wanted(sub, event)) seqs.push(event.seq);
    return seqs.length >= MAX_REPLAY_EVENTS ? "stop" : "next";
  });
  return seqs;
}

/** The delivery log knows where the subscription met the message; otherwise the stream is scanned. */
async function findByMessageId(
  source: ReplaySource,
  sub: SubscriptionRecord,
  messageId: string,
): Promise<StoredEvent | undefined> {
  const logged = await findStreamSeq(source.db, sub.id, messageId);
  if (logged !== undefined) {
    const event = await readStoredEvent(source.nc, source.stream, logged);
    if (event !== undefined && event.msgId === messageId && ofOrg(source, sub, event)) return event;
  }
  let found: number | undefined;
  const filterSubject = filterSubjectOf(source.namespace, sub);
  await scanEvents(source.nc, { stream: source.stream, filterSubject, headersOnly: true }, (event) => {
    if (event.msgId !== messageId) return "next";
    found = event.seq;
    return "stop";
  });
  return found === undefined ? undefined : readStoredEvent(source.nc, source.stream, found);
}

function ofOrg(source: ReplaySource, sub: SubscriptionRecord, event: StoredEvent): boolean {
  return event.subject.startsWith(`${source.namespace}.events.${sub.orgId}.`);
}

function wanted(sub: SubscriptionRecord, event: StoredEvent): boolean {
  const parsed = parseEventMessage(event.subject, event.data, event.msgId);
  if (!parsed.ok || parsed.value.orgId !== sub.orgId || !wantsEventType(sub, parsed.value.eventType))
    return false;
  const passes = matchesFilter(sub.filter, parsed.value.value);
  return passes.ok && passes.value;
}
