import type { FastifyInstance } from "fastify";
import { webhookBridgeContract, type Infer } from "@switchboard/contracts";
import { problemResponses, type SchemaTypeProvider } from "@switchboard/http";
import type { DeliveryControl } from "../contracts.js";
import { listAttempts } from "./attempt-log.repository.js";
import { testMapping } from "./mapping-test.js";
import { checkReplayRange } from "./replay-range.js";
import { rotateSecret } from "./rotate-secret.js";
import { findOpened } from "./save-subscription.js";
import { DEFAULT_PREVIOUS_SECRET_TTL_SECONDS } from "./signing-secrets.js";
import type { SubscriptionParts } from "./subscription-parts.js";
import { toRecord } from "./subscription-record.js";
import { WEBHOOK_READERS, WEBHOOK_TAGS, WEBHOOK_WRITERS } from "./subscriptions.routes.js";
import {
  deliveriesQuery,
  mappingTestBody,
  replayBody,
  rotateBody,
  subscriptionParams,
} from "./webhooks.schemas.js";
import { attemptSchema, attemptsReply, mappingTestReply, rotateReply } from "./webhook-replies.schemas.js";

type Sub = Infer<typeof subscriptionParams>;

const BASE = "/v1/orgs/:org/webhooks/:id";

/** Secret rotation, test sends, mapping tests, the delivery log and replays of one subscription. */
export async function subscriptionToolRoutes(
  server: FastifyInstance,
  parts: SubscriptionParts,
  delivery: DeliveryControl,
): Promise<void> {
  const app = server.withTypeProvider<SchemaTypeProvider>();
  const writers = { auth: { roles: [...WEBHOOK_WRITERS] } };
  const readers = { auth: { roles: [...WEBHOOK_READERS] } };
  const load = async ({ org, id }: Sub) => toRecord(await findOpened(parts, org, id, false), parts.now());

  app.post(
    `${BASE}/rotate-secret`,
    {
      config: writers,
      schema: {
        tags: WEBHOOK_TAGS,
        summary: "New signing secret (shown once); the previous one keeps signing until it expires",
        params: subscriptionParams,
        body: rotateBody,
        response: { 200: rotateReply, ...problemResponses(400) },
      },
    },
    async (request) => {
      const { org, id } = request.params;
      const ttl = request.body?.previousSecretTtlSeconds ?? DEFAULT_PREVIOUS_SECRET_TTL_SECONDS;
      const { saved, secret, previousExpiresAt } = await rotateSecret(parts, org, id, ttl);
      await delivery.subscriptionSaved(toRecord(saved, parts.now()));
      return { secret, previousSecretExpiresAt: previousExpiresAt };
    },
  );

  app.post(
    `${BASE}/test`,
    {
      config: writers,
      schema: {
        tags: WEBHOOK_TAGS,
        summary: "Send a synthetic event now, signed like any delivery; answers the logged attempt",
        params: subscriptionParams,
        response: { 200: attemptSchema },
      },
    },
    async (request) => delivery.sendTest(await load(request.params)),
  );

  app.post(
    `${BASE}/test-mapping`,
    {
      config: readers,
      schema: {
        tags: WEBHOOK_TAGS,
        summary: "Run the filter and mapping on a sample event; sends and stores nothing",
        params: subscriptionParams,
        body: mappingTestBody,
        response: { 200: mappingTestReply, ...problemResponses(400) },
      },
    },
    async (request) => testMapping(parts.schemas, await load(request.params), request.body.event),
  );

  app.get(
    `${BASE}/deliveries`,
    {
      config: readers,
      schema: {
        tags: WEBHOOK_TAGS,
        summary:
          "The delivery log, newest first: status, duration, error and response excerpt of each attempt",
        params: subscriptionParams,
        querystring: deliveriesQuery,
        response: { 200: attemptsReply },
      },
    },
    async (request) => {
      const { org, id } = request.params;
      await findOpened(parts, org, id, false); // another org's subscription is a 404, not an empty log
      return { attempts: await listAttempts(parts.db, org, id, request.query) };
    },
  );

  app.post(
    `${BASE}/replay`,
    {
      config: writers,
      schema: {
        tags: WEBHOOK_TAGS,
        summary: "Deliver past events again: one message, or those of a time range (202)",
        params: subscriptionParams,
        body: replayBody,
        response: { 202: webhookBridgeContract.commands.replay.result, ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      const range = checkReplayRange(request.body, parts.now());
      const sub = await load(request.params);
      return reply.code(202).send(await delivery.replay(sub, range));
    },
  );
}
