import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ErrorCodes, NotFoundError, SwitchboardError, ValidationError } from "@switchboard/errors";
import { assertInboundName, type SchemaError } from "@switchboard/events";
import {
  principalOf,
  problem,
  problemResponses,
  requestMeta,
  type SchemaTypeProvider,
} from "@switchboard/http";
import { ingestBatch } from "./batch-ingest.js";
import { readInboundRequest, type InboundRequest } from "./cloudevents.js";
import type { Declaration } from "./definition-cache.js";
import type { IngressParts } from "./ingress-parts.js";
import { acceptedResponse, batchResponse, inboundParams } from "./ingress.schemas.js";
import { ingestEvent } from "./ingest.js";
import { chooseMessageId } from "./message-id.js";

/** `POST /v1/orgs/{org}/inbound/{name}`: a third party's event, checked at the edge, 202 once stored. */
export async function ingressRoutes(server: FastifyInstance, parts: IngressParts): Promise<void> {
  const app = server.withTypeProvider<SchemaTypeProvider>();
  app.post(
    "/v1/orgs/:org/inbound/:name",
    {
      config: { auth: { roles: ["integration"] } },
      schema: {
        tags: ["ingress"],
        summary:
          "Post an inbound event: a JSON payload, or a CloudEvent (binary, structured or batch); 202 once stored",
        params: inboundParams,
        response: {
          202: acceptedResponse,
          200: batchResponse,
          ...problemResponses(400, 413, 415, 422, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { org } = request.params;
      const name = assertInboundName(request.params.name);
      const meta = requestMeta(request, org);
      const inbound = readInboundRequest(request.headers, request.body, request.rawBody);
      if (inbound.mode === "batch" && meta.idempotencyKey !== undefined) {
        throw new ValidationError(
          "Idempotency-Key does not apply to a batch: each CloudEvent's id is its idempotency key",
        );
      }
      takeRate(parts, request, inbound);
      const declaration = await parts.definitions.get(org, name);
      if (declaration === undefined) throw new NotFoundError(`inbound event "${name}" is not declared`);
      const target = { orgId: org, declaration };

      if (inbound.mode === "batch") {
        const results = await ingestBatch(parts, target, inbound.items, meta.traceId, request.log);
        return reply.code(200).send({ results });
      }
      const messageId = chooseMessageId(meta.idempotencyKey, inbound.event.cloudEvent?.id);
      const result = await ingestEvent(parts, target, inbound.event, { messageId, traceId: meta.traceId });
      if (result.outcome === "invalid") return invalidPayload(reply, declaration, result.errors);
      return reply.code(202).send({ messageId: result.messageId, duplicate: result.duplicate });
    },
  );
}

/** One token per event, charged to the calling key. */
function takeRate(parts: IngressParts, request: FastifyRequest, inbound: InboundRequest): void {
  const cost = inbound.mode === "batch" ? inbound.items.length : 1;
  const decision = parts.limiter.take(principalOf(request).keyId, cost);
  if (decision.allowed) return;
  throw new SwitchboardError(
    ErrorCodes.RateLimited,
    `this API key may post ${parts.limiter.ratePerSecond} events per second; retry in ${decision.retryAfterSeconds} s`,
    { details: { retryAfterSeconds: decision.retryAfterSeconds } },
  );
}

/** 422: the request was well-formed, its payload is not what was declared. */
function invalidPayload(reply: FastifyReply, declaration: Declaration, errors: SchemaError[]): FastifyReply {
  const [first] = errors;
  const summary = first === undefined ? "" : `: ${first.path || "/"} ${first.message}`;
  reply.request.log.info({ code: ErrorCodes.Validation, status: 422 }, "inbound payload refused");
  return problem(
    reply,
    new ValidationError(
      `the payload does not match the declared schema of "${declaration.name}" (version ${declaration.version})${summary}`,
    ),
    { status: 422, errors },
  );
}
