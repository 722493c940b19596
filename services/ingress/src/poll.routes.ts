import type { FastifyInstance } from "fastify";
import { ValidationError } from "@switchboard/errors";
import { principalOf, problemResponses, type SchemaTypeProvider } from "@switchboard/http";
import type { IngressParts } from "./ingress-parts.js";
import { pollEvents } from "./event-reader.js";
import { orgParams, pollQuery, pollResponse } from "./ingress.schemas.js";
import { parseTypes } from "./poll-query.js";

/** `GET /v1/orgs/{org}/events`: for systems that can neither take webhooks nor speak NATS. */
export async function pollRoutes(server: FastifyInstance, parts: IngressParts): Promise<void> {
  const app = server.withTypeProvider<SchemaTypeProvider>();
  // Before the server waits for open requests to finish: a long poll answers with what it has.
  app.addHook("preClose", async () => parts.polls.abortAll());

  app.get(
    "/v1/orgs/:org/events",
    {
      // Content managers too: the console's live events screen is theirs, and they read the same
      // payloads in rule runs, samples and dead letters already.
      config: { auth: { roles: ["integration", "viewer", "content-manager"] } },
      schema: {
        tags: ["events"],
        summary:
          "Read an org's system events after a cursor (opaque; 0 is the start), optionally of some types, waiting up to waitMs for one",
        params: orgParams,
        querystring: pollQuery,
        response: { 200: pollResponse, ...problemResponses(400, 429, 503) },
      },
    },
    async (request, reply) => {
      const { limit, waitMs } = request.query;
      const orgId = request.params.org;
      const after = parts.cursors.decode(orgId, request.query.after);
      if (!after.ok) {
        const message = `querystring/after: ${after.error}`;
        throw new ValidationError(message, {
          details: [{ path: "querystring/after", message, keyword: "cursor" }],
        });
      }
      const types = parseTypes(request.query.types);
      const poll = parts.polls.begin(reply, { keyId: principalOf(request).keyId, orgId });
      try {
        const result = await pollEvents(parts, {
          orgId,
          after: after.value,
          types,
          limit,
          waitMs,
          signal: poll.signal,
        });
        return {
          events: result.events.map(({ seq, event }) => ({
            cursor: parts.cursors.encode(orgId, seq),
            event,
          })),
          next: parts.cursors.encode(orgId, result.next),
        };
      } finally {
        poll.end();
        // The server waits for open connections when it stops; a kept-alive one would hold it up.
        if (parts.polls.closing) void reply.header("connection", "close");
      }
    },
  );
}
