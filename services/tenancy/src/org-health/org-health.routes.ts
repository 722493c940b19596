import type { FastifyInstance } from "fastify";
import { ORG_HEALTH } from "@switchboard/contracts";
import type { SchemaTypeProvider } from "@switchboard/http";
import { orgParams } from "../tenancy.schemas.js";
import { orgHealth, type HealthSources } from "./org-health.js";

/** As the webhooks' health route: org-admin passes too. */
const READERS = ["content-manager", "viewer", "integration"] as const;

/** `GET /v1/orgs/{org}/health`: every integration's health in one answer. */
export async function orgHealthRoutes(
  server: FastifyInstance,
  sources: HealthSources,
  requireOrg: (org: string) => Promise<unknown>,
): Promise<void> {
  const app = server.withTypeProvider<SchemaTypeProvider>();
  app.get(
    "/v1/orgs/:org/health",
    {
      config: { auth: { roles: [...READERS] } },
      schema: {
        tags: ["tenancy"],
        summary:
          "Each webhook's, inbound event's and NATS credential's last success and failure, attempts and success rate over 24 hours, and backlog",
        params: orgParams,
        response: { 200: ORG_HEALTH },
      },
    },
    async (request) => {
      await requireOrg(request.params.org);
      return orgHealth(sources, request.params.org);
    },
  );
}
