import { publish, type JetStreamClient, type StreamNames } from "@switchboard/bus";
import { ErrorCodes, isSwitchboardError } from "@switchboard/errors";
import type { Logger } from "@switchboard/logger";
import type { Commands } from "@switchboard/contracts";
import { actionsOf, insertAction, lockEntry } from "./action.repository.js";
import { toEntry, type DeadLetterEntry, type StoredLetter } from "./dead-letter-entry.js";
import type { QueryDeps } from "./dead-letter-queries.js";
import { retryCount, statusOf } from "./entry-status.js";
import { planRepublish } from "./republish-plan.js";

export interface RetryDeps extends QueryDeps {
  js: JetStreamClient;
  namespace: string;
  streams: StreamNames;
  commands: Pick<Commands, "webhook-bridge">;
  logger: Logger;
}

/** Per entry: retried (and recorded), or failed with why. Nothing is recorded for a failure. */
export type RetryResult =
  | { id: number; outcome: "retried"; attempt: number; newMsgId: string | null }
  | { id: number; outcome: "failed"; code: string; error: string };

type Sent = { ok: true; newMsgId: string | null } | { ok: false; code: string; error: string };

/** The stage the webhook bridge dead-letters under; its origin consumer is the subscription id. */
export const WEBHOOK_STAGE = "webhook";

const failed = (id: number, code: string, error: string): RetryResult => ({
  id,
  outcome: "failed",
  code,
  error,
});

export async function retryDeadLetter(
  deps: RetryDeps,
  orgId: string,
  seq: number,
  by: string,
): Promise<RetryResult> {
  try {
    const letter = await deps.reader.get(orgId, seq);
    if (letter === undefined) return failed(seq, ErrorCodes.NotFound, `dead letter ${seq} does not exist`);
    return await deps.db.transaction().execute(async (trx) => {
      await lockEntry(trx, orgId, seq);
      const trail = (await actionsOf(trx, orgId, [seq])).get(seq) ?? [];
      if (statusOf(trail) === "resolved") {
        return failed(seq, ErrorCodes.Conflict, `dead letter ${seq} is resolved`);
      }
      const attempt = retryCount(trail) + 1;
      const sent = await send(deps, orgId, letter, attempt, by);
      if (!sent.ok) return failed(seq, sent.code, sent.error);
      // Recorded only after the PubAck (or the bridge's answer), in the transaction that holds the lock.
      await insertAction(trx, { orgId, dlqSeq: seq, action: "retried", by, newMsgId: sent.newMsgId });
      return { id: seq, outcome: "retried" as const, attempt, newMsgId: sent.newMsgId };
    });
  } catch (error) {
    if (isSwitchboardError(error)) return failed(seq, error.code, error.message);
    deps.logger.error({ err: error, org: orgId, dlqSeq: seq }, "dead-letter retry failed");
    return failed(seq, ErrorCodes.Internal, "the retry failed unexpectedly; see the service log");
  }
}

async function send(
  deps: RetryDeps,
  orgId: string,
  letter: StoredLetter,
  attempt: number,
  by: string,
): Promise<Sent> {
  const entry = toEntry(letter);
  if (entry.stage === WEBHOOK_STAGE) return replayWebhook(deps, orgId, entry, attempt, by);
  const planned = planRepublish(entry, { namespace: deps.namespace, orgId, streams: deps.streams }, attempt);
  if (!planned.ok) return { ok: false, code: ErrorCodes.Validation, error: planned.reason };
  const { plan } = planned;
  await publish(deps.js, plan.subject, letter.data, {
    msgId: plan.msgId,
    headers: plan.headers,
    expectStream: plan.stream,
  });
  return { ok: true, newMsgId: plan.msgId };
}

/** Webhook deliveries are redone by the bridge, which owns the subscription and its signing. */
async function replayWebhook(
  deps: RetryDeps,
  orgId: string,
  entry: DeadLetterEntry,
  attempt: number,
  by: string,
): Promise<Sent> {
  const { consumer: subscriptionId, msgId: messageId } = entry.origin;
  if (subscriptionId === null || messageId === null) {
    return {
      ok: false,
      code: ErrorCodes.Validation,
      error: `dead letter ${entry.id} names no subscription or message id to replay`,
    };
  }
  try {
    await deps.commands["webhook-bridge"].replay({
      orgId,
      idempotencyKey: `dead-letters/${entry.id}/retry-${attempt}`,
      requestedBy: by,
      params: { subscriptionId, messageId },
    });
    return { ok: true, newMsgId: null };
  } catch (error) {
    if (!isSwitchboardError(error)) throw error;
    return { ok: false, code: error.code, error: `webhook-bridge.replay: ${error.message}` };
  }
}
