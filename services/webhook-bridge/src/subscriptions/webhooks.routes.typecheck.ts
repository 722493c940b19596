import Fastify from "fastify";
import type { SchemaTypeProvider } from "@switchboard/http";
import {
  createBody,
  deliveriesQuery,
  patchBody,
  replayBody,
  subscriptionParams,
} from "./webhooks.schemas.js";
import { attemptsReply } from "./webhook-replies.schemas.js";

/**
 * Never run: compiled only, to show that the webhook routes are typed from their schemas. Each
 * `@ts-expect-error` fails the type check if the statement under it ever compiles.
 */
export function requestsTheCompilerRefuses(): void {
  const app = Fastify().withTypeProvider<SchemaTypeProvider>();
  app.post("/v1/orgs/:org/webhooks", { schema: { body: createBody } }, (request) => {
    const url: string = request.body.url;
    // @ts-expect-error a subscription is created enabled; the create body has no such field
    void request.body.enabled;
    // @ts-expect-error the timeout may be missing
    const timeoutMs: number = request.body.timeoutMs;
    return { url, timeoutMs };
  });
  app.patch(
    "/v1/orgs/:org/webhooks/:id",
    { schema: { params: subscriptionParams, body: patchBody } },
    (request) => {
      const enabled: boolean | undefined = request.body.enabled;
      // @ts-expect-error the subscription params are the org and the id
      void request.params.name;
      return { enabled };
    },
  );
  app.get(
    "/v1/orgs/:org/webhooks/:id/deliveries",
    { schema: { querystring: deliveriesQuery } },
    (request) => {
      const limit: number = request.query.limit;
      // @ts-expect-error an outcome is one the delivery log records
      const outcome: "pending" | undefined = request.query.outcome;
      return { limit, outcome };
    },
  );
  app.post("/v1/orgs/:org/webhooks/:id/replay", { schema: { body: replayBody } }, (request) => {
    // @ts-expect-error a replay names a message or a time range, never a sequence
    void request.body.seq;
  });
  const deliveries = { schema: { response: { 200: attemptsReply } } };
  app.get("/v1/orgs/:org/webhooks/:id/deliveries", deliveries, () => ({
    attempts: [{ ...attempt, outcome: "gone" as const }],
  }));
  app.get("/v1/orgs/:org/webhooks/:id/deliveries", deliveries, () => ({
    // @ts-expect-error an attempt's outcome is one the delivery log records
    attempts: [{ ...attempt, outcome: "pending" as const }],
  }));
}

const attempt = {
  id: 1,
  subscriptionId: "wh_1",
  messageId: "m-1",
  eventType: "planCreated",
  attempt: 1,
  kind: "delivery",
  outcome: "delivered",
  status: 200,
  durationMs: 5,
  error: null,
  responseExcerpt: null,
  nextAttemptAt: null,
  createdAt: "2026-11-21T10:00:00.000Z",
} as const;
