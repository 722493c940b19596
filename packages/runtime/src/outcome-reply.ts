import type { FastifyReply } from "fastify";
import type { DomainParts } from "./domain-service.js";

/**
 * Answers a write that went through an idempotency key: a replay is marked `idempotent-replayed:
 * true` and wrote nothing; a first run wrote events, so the relay is woken to publish them now.
 */
export function sendOutcome<T>(
  parts: Pick<DomainParts<unknown>, "eventsWritten">,
  reply: FastifyReply,
  status: number,
  outcome: { result: T; replayed: boolean },
): FastifyReply {
  if (outcome.replayed) reply.header("idempotent-replayed", "true");
  else parts.eventsWritten();
  return reply.code(status).send(outcome.result);
}
