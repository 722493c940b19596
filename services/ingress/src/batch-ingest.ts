import { ErrorCodes, isSwitchboardError, UnavailableError, type Result } from "@switchboard/errors";
import { statusOf } from "@switchboard/http";
import type { FastifyBaseLogger } from "fastify";
import type { CloudEvent, EnvelopeProblem } from "./cloudevents.js";
import { ingestEvent, type IngestParts, type IngestTarget } from "./ingest.js";

/** One event of a batch, answered as a single POST of it would have been. */
export interface BatchItemResult {
  index: number;
  messageId: string | null;
  status: number;
  duplicate?: boolean;
  code?: string;
  detail?: string;
  errors?: { path: string; message: string; keyword?: string }[];
}

/**
 * Each event of a batch is validated and published on its own. All-or-nothing cannot be had:
 * nats-server 2.9 has no atomic multi-message publish, so a failure halfway would leave some
 * events stored whatever we answered. Every event has its own id, so the caller resends the ones
 * that did not get 202, and those that did are dropped by the broker as duplicates.
 */
export async function ingestBatch(
  parts: IngestParts,
  target: IngestTarget,
  items: Result<CloudEvent, EnvelopeProblem>[],
  traceId: string | undefined,
  log: FastifyBaseLogger,
): Promise<BatchItemResult[]> {
  if (!parts.isUp()) {
    throw new UnavailableError("NATS is unreachable; no event of the batch was stored, send it again later", {
      details: { retryAfterSeconds: 5 },
    });
  }
  return Promise.all(
    items.map(async (item, index): Promise<BatchItemResult> => {
      if (!item.ok) {
        return {
          index,
          messageId: item.error.id ?? null,
          status: 400,
          code: ErrorCodes.Validation,
          errors: item.error.errors,
        };
      }
      const messageId = item.value.cloudEvent.id;
      try {
        const result = await ingestEvent(parts, target, item.value, { messageId, traceId });
        if (result.outcome === "accepted")
          return { index, messageId, status: 202, duplicate: result.duplicate };
        return { index, messageId, status: 422, code: ErrorCodes.Validation, errors: result.errors };
      } catch (error) {
        return { index, messageId, ...failure(error, log) };
      }
    }),
  );
}

function failure(error: unknown, log: FastifyBaseLogger): { status: number; code: string; detail: string } {
  const status = isSwitchboardError(error) ? statusOf(error.code) : 500;
  if (!isSwitchboardError(error) || status === 500) {
    log.error({ err: error }, "a batch event failed with an unexpected error");
    return { status: 500, code: ErrorCodes.Internal, detail: "an unexpected error occurred" };
  }
  return { status, code: error.code, detail: error.message };
}
