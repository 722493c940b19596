import type { FastifyInstance } from "fastify";
import type { DeliveryControl } from "../contracts.js";
import type { SubscriptionParts } from "./subscription-parts.js";
import { subscriptionToolRoutes } from "./subscription-tools.routes.js";
import { subscriptionRoutes } from "./subscriptions.routes.js";

/** Every `/v1/orgs/{org}/webhooks…` route. */
export async function webhookRoutes(
  app: FastifyInstance,
  parts: SubscriptionParts,
  delivery: DeliveryControl,
): Promise<void> {
  await subscriptionRoutes(app, parts, delivery);
  await subscriptionToolRoutes(app, parts, delivery);
}
