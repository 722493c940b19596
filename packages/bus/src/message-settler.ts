import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import type { Logger } from "@switchboard/logger";
import { toConsumedMessage, type HandlerOutcome, type MessageHandler } from "./consumed-message.js";
import { publishDeadLetter, type DeadLetter, type DeadLetterTarget } from "./dead-letter.js";
import type { Settlement } from "./delivery-copies.js";
import type { KeepAlive } from "./keep-alive.js";
import { messageLogger, type MessageLog } from "./message-log.js";

export interface SettlerContext {
  js: JetStreamClient;
  handler: MessageHandler;
  durable: string;
  maxDeliver: number;
  backoffMs: number[];
  stage: string;
  dlq: DeadLetterTarget;
  logger: Logger;
  /** Tells the server, below the consumer's ack wait, that the messages being handled are still worked on. */
  keepAlive: KeepAlive;
}

const ACKED: Settlement = { kind: "acked" };

/**
 * Runs the handler on one message and settles it; says how, so that copies of the message can be
 * settled alike. Never rejects: every failure ends in a nak.
 */
export async function processMessage(ctx: SettlerContext, m: JsMsg): Promise<Settlement> {
  const log = messageLogger(ctx.logger, m);
  try {
    const outcome = await ctx.keepAlive.during(m, () => runHandler(ctx, m, log));
    return await settle(ctx, m, outcome, log);
  } catch (error) {
    log.error({ err: error }, "settling a message failed; it will be redelivered");
    const delayMs = backoffDelay(ctx.backoffMs, m.info.deliveryCount);
    try {
      m.nak(delayMs);
    } catch {
      // Connection closed: the server redelivers after the ack wait anyway.
    }
    return { kind: "nak", delayMs };
  }
}

async function runHandler(ctx: SettlerContext, m: JsMsg, log: MessageLog): Promise<HandlerOutcome> {
  try {
    return await ctx.handler(toConsumedMessage(m));
  } catch (error) {
    // A throw is a transient failure until proven otherwise; a handler that knows better returns "dead".
    log.warn({ err: error }, "handler threw; will retry");
    return { kind: "retry", reason: error instanceof Error ? error.message : String(error) };
  }
}

async function settle(
  ctx: SettlerContext,
  m: JsMsg,
  outcome: HandlerOutcome,
  log: MessageLog,
): Promise<Settlement> {
  switch (outcome?.kind) {
    case "ack":
      m.ack();
      return ACKED;
    case "dead":
      return deadLetter(
        ctx,
        m,
        { stage: outcome.stage, reason: outcome.reason, details: outcome.details, consumer: ctx.durable },
        log,
      );
    case "retry":
      return retry(ctx, m, outcome.reason, outcome.delayMs, log);
    default:
      return retry(ctx, m, `handler returned no valid outcome: ${JSON.stringify(outcome)}`, undefined, log);
  }
}

async function retry(
  ctx: SettlerContext,
  m: JsMsg,
  reason: string,
  delayMs: number | undefined,
  log: MessageLog,
): Promise<Settlement> {
  const deliveries = m.info.deliveryCount;
  if (deliveries >= ctx.maxDeliver) {
    return deadLetter(ctx, m, { stage: ctx.stage, reason, consumer: ctx.durable }, log);
  }
  const delay = delayMs ?? backoffDelay(ctx.backoffMs, deliveries);
  log.info({ reason, delayMs: delay }, "message will be retried");
  m.nak(delay);
  return { kind: "nak", delayMs: delay };
}

/** Acks only once the DLQ holds the message: nothing that failed is dropped. */
async function deadLetter(
  ctx: SettlerContext,
  m: JsMsg,
  letter: DeadLetter,
  log: MessageLog,
): Promise<Settlement> {
  try {
    const stored = await publishDeadLetter(ctx.js, ctx.dlq, m, letter);
    m.ack();
    log.warn({ stage: letter.stage, reason: letter.reason, dlqSeq: stored.seq }, "message dead-lettered");
    return ACKED;
  } catch (error) {
    log.error({ err: error, stage: letter.stage }, "dead-letter publish failed; message will be redelivered");
    const delayMs = backoffDelay(ctx.backoffMs, m.info.deliveryCount);
    m.nak(delayMs);
    return { kind: "nak", delayMs };
  }
}

/** Delay before delivery n+1, after delivery n failed: backoffMs[min(n-1, len-1)], 0 if empty. */
export function backoffDelay(backoffMs: number[], deliveryCount: number): number {
  if (backoffMs.length === 0) return 0;
  return backoffMs[Math.min(Math.max(deliveryCount, 1) - 1, backoffMs.length - 1)] ?? 0;
}
