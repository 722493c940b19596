import type { FastifyInstance } from "fastify";
import { NotFoundError } from "@switchboard/errors";
import { problemResponses, requestMeta, type SchemaTypeProvider } from "@switchboard/http";
import type { DeliveryControl } from "../contracts.js";
import { createSubscription, findOpened, updateSubscriptionSettings } from "./save-subscription.js";
import type { SubscriptionParts } from "./subscription-parts.js";
import { openSubscription, toRecord } from "./subscription-record.js";
import { deleteSubscription, listSubscriptions } from "./subscription.repository.js";
import { toView } from "./subscription-view.js";
import {
  createBody,
  createdReply,
  orgParams,
  patchBody,
  subscriptionParams,
  subscriptionsReply,
  subscriptionView,
  webhookHealthReply,
} from "./webhooks.schemas.js";
import { webhookHealth } from "./webhook-health.js";

/** org-admin passes every route of its org as well. */
export const WEBHOOK_WRITERS = ["content-manager"] as const;
export const WEBHOOK_READERS = ["content-manager", "viewer", "integration"] as const;
export const WEBHOOK_TAGS = ["webhooks"];

const BASE = "/v1/orgs/:org/webhooks";

/**
 * Create, show, change and delete subscriptions. The delivery side hears of every committed change,
 * after the commit, so its consumers never run ahead of what is stored.
 */
export async function subscriptionRoutes(
  server: FastifyInstance,
  parts: SubscriptionParts,
  delivery: DeliveryControl,
): Promise<void> {
  const app = server.withTypeProvider<SchemaTypeProvider>();
  const writers = { auth: { roles: [...WEBHOOK_WRITERS] } };
  const readers = { auth: { roles: [...WEBHOOK_READERS] } };

  app.post(
    BASE,
    {
      config: writers,
      schema: {
        tags: WEBHOOK_TAGS,
        summary: "Subscribe a URL to system events (201); the signing secret is shown in this answer only",
        params: orgParams,
        body: createBody,
        response: { 201: createdReply, ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      const { saved, secret } = await createSubscription(parts, request.params.org, request.body);
      const now = parts.now();
      await delivery.subscriptionSaved(toRecord(saved, now));
      return reply.code(201).send({ ...toView(saved, now), secret });
    },
  );

  app.get(
    BASE,
    {
      config: readers,
      schema: {
        tags: WEBHOOK_TAGS,
        summary: "List the org's subscriptions",
        params: orgParams,
        response: { 200: subscriptionsReply },
      },
    },
    async (request) => {
      const rows = await listSubscriptions(parts.db, request.params.org);
      const now = parts.now();
      return { webhooks: rows.map((row) => toView(openSubscription(parts.keyring, row), now)) };
    },
  );

  app.get(
    `${BASE}/health`,
    {
      config: readers,
      schema: {
        tags: WEBHOOK_TAGS,
        summary:
          "Each subscription's last success and failure, attempts and success rate over 24 hours, and backlog",
        params: orgParams,
        response: { 200: webhookHealthReply },
      },
    },
    async (request) => ({ webhooks: await webhookHealth(parts, request.params.org) }),
  );

  app.get(
    `${BASE}/:id`,
    {
      config: readers,
      schema: {
        tags: WEBHOOK_TAGS,
        summary: "Show a subscription (no secrets)",
        params: subscriptionParams,
        response: { 200: subscriptionView },
      },
    },
    async (request) => {
      const { org, id } = request.params;
      return toView(await findOpened(parts, org, id, false), parts.now());
    },
  );

  app.patch(
    `${BASE}/:id`,
    {
      config: writers,
      schema: {
        tags: WEBHOOK_TAGS,
        summary:
          "Change any setting; enabled: false pauses deliveries (the backlog waits), true resumes them",
        params: subscriptionParams,
        body: patchBody,
        response: { 200: subscriptionView, ...problemResponses(400) },
      },
    },
    async (request) => {
      const { org, id } = request.params;
      const who = requestMeta(request, org);
      const saved = await updateSubscriptionSettings(parts, who, id, request.body);
      const now = parts.now();
      await delivery.subscriptionSaved(toRecord(saved, now));
      return toView(saved, now);
    },
  );

  app.delete(
    `${BASE}/:id`,
    {
      config: writers,
      schema: {
        tags: WEBHOOK_TAGS,
        summary: "Delete a subscription and its consumer",
        params: subscriptionParams,
      },
    },
    async (request, reply) => {
      const { org, id } = request.params;
      if (!(await deleteSubscription(parts.db, org, id)))
        throw new NotFoundError(`webhook subscription ${id} does not exist`);
      await delivery.subscriptionDeleted(org, id);
      return reply.code(204).send();
    },
  );
}
