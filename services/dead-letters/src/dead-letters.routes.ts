import type { FastifyInstance } from "fastify";
import type { Infer } from "@switchboard/contracts";
import { NotFoundError, ValidationError } from "@switchboard/errors";
import { problemResponses, requestMeta, type SchemaTypeProvider } from "@switchboard/http";
import { findDeadLetter, listDeadLetters } from "./dead-letter-queries.js";
import { summarizeDeadLetters } from "./dead-letter-summary.js";
import {
  entryParams,
  listQuery,
  MAX_RETRY_BATCH,
  orgParams,
  resolveBody,
  retryManyBody,
} from "./dead-letters.schemas.js";
import { resolveDeadLetter } from "./resolve-dead-letter.js";
import { retryDeadLetter, type RetryDeps } from "./retry-dead-letter.js";
import { retryMany, type RetrySelection } from "./retry-many.js";

/** `org-admin` passes every route too. */
const READERS = ["viewer", "content-manager", "integration"] as const;
const ACTORS = ["content-manager", "integration"] as const;
const TAGS = ["dead-letters"];

export async function deadLetterRoutes(server: FastifyInstance, deps: RetryDeps): Promise<void> {
  const app = server.withTypeProvider<SchemaTypeProvider>();
  app.get(
    "/v1/orgs/:org/dead-letters",
    {
      config: { auth: { roles: [...READERS] } },
      schema: {
        tags: TAGS,
        summary: "The org's dead letters, oldest first, by stage and status; page with `after` = `next`",
        params: orgParams,
        querystring: listQuery,
      },
    },
    async (request) => listDeadLetters(deps, request.params.org, request.query),
  );

  app.get(
    "/v1/orgs/:org/dead-letters/summary",
    {
      config: { auth: { roles: [...READERS] } },
      schema: { tags: TAGS, summary: "Open, retried and resolved counts per stage", params: orgParams },
    },
    async (request) => summarizeDeadLetters(deps, request.params.org),
  );

  app.get(
    "/v1/orgs/:org/dead-letters/:id",
    {
      config: { auth: { roles: [...READERS] } },
      schema: {
        tags: TAGS,
        summary: "One dead letter with its origin, reason and trail",
        params: entryParams,
      },
    },
    async (request) => {
      const view = await findDeadLetter(deps, request.params.org, request.params.id);
      if (view === undefined) throw new NotFoundError(`dead letter ${request.params.id} does not exist`);
      return view;
    },
  );

  app.post(
    "/v1/orgs/:org/dead-letters/:id/retry",
    {
      config: { auth: { roles: [...ACTORS] } },
      schema: {
        tags: TAGS,
        summary: "Retry one dead letter: `{ id, outcome: retried | failed, error? }`",
        params: entryParams,
      },
    },
    async (request) => {
      const { org, id } = request.params;
      const { requestedBy } = requestMeta(request, org);
      // Checked here, so an unknown entry is a 404 while a failure of the retry itself is an outcome.
      if ((await deps.reader.get(org, id)) === undefined) {
        throw new NotFoundError(`dead letter ${id} does not exist`);
      }
      return retryDeadLetter(deps, org, id, requestedBy);
    },
  );

  app.post(
    "/v1/orgs/:org/dead-letters/retry",
    {
      config: { auth: { roles: [...ACTORS] } },
      schema: {
        tags: TAGS,
        summary: "Retry several dead letters: `{ results: [{ id, outcome, error? }], next }`",
        params: orgParams,
        body: retryManyBody,
        response: problemResponses(400),
      },
    },
    async (request) => {
      const { requestedBy } = requestMeta(request, request.params.org);
      return retryMany(deps, request.params.org, selectionOf(request.body), requestedBy);
    },
  );

  app.post(
    "/v1/orgs/:org/dead-letters/:id/resolve",
    {
      config: { auth: { roles: [...ACTORS] } },
      schema: {
        tags: TAGS,
        summary: "Resolve a dead letter with a comment (it stays in the stream); twice is a conflict",
        params: entryParams,
        body: resolveBody,
        response: problemResponses(400, 409),
      },
    },
    async (request) => {
      const { org, id } = request.params;
      const { requestedBy } = requestMeta(request, org);
      return resolveDeadLetter(deps, org, id, request.body.comment, requestedBy);
    },
  );
}

function selectionOf(body: Infer<typeof retryManyBody>): RetrySelection {
  const { ids, status, stage, after, limit } = body;
  const byStatus = status !== undefined || stage !== undefined || after !== undefined || limit !== undefined;
  if (ids !== undefined && !byStatus) return { ids };
  if (ids === undefined && status === "open") {
    return {
      status,
      ...(stage === undefined ? {} : { stage }),
      after: after ?? 0,
      limit: limit ?? MAX_RETRY_BATCH,
    };
  }
  throw new ValidationError(
    'give either "ids", or "status": "open" (with "stage", "after", "limit" if wanted)',
  );
}
