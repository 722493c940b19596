import type { FastifyInstance } from "fastify";
import { NotFoundError } from "@switchboard/errors";
import { problemResponses, requestMeta, type SchemaTypeProvider } from "@switchboard/http";
import { sendOutcome, type DomainParts } from "@switchboard/runtime";
import { assignForm } from "./assign-form.js";
import { findAssignment, listAssignments } from "./form-assignment.repository.js";
import {
  assignBody,
  assignmentParams,
  listQuery,
  orgParams,
  planParams,
  submitBody,
} from "./forms.schemas.js";
import { submitForm } from "./submit-form.js";
import type { FormsDB } from "./forms.tables.js";

const READERS = ["viewer", "app", "content-manager"] as const;

export async function formsRoutes(server: FastifyInstance, parts: DomainParts<FormsDB>): Promise<void> {
  const app = server.withTypeProvider<SchemaTypeProvider>();
  app.post(
    "/v1/orgs/:org/plans/:planId/form-assignments",
    {
      config: { auth: { roles: ["app"] } },
      schema: {
        tags: ["forms"],
        summary: "Assign a form on a plan (emits formAssigned); honours Idempotency-Key",
        params: planParams,
        body: assignBody,
        response: problemResponses(400),
      },
    },
    async (request, reply) => {
      const meta = requestMeta(request, request.params.org);
      return sendOutcome(
        parts,
        reply,
        201,
        await assignForm(parts, meta, { planId: request.params.planId, ...request.body }),
      );
    },
  );

  app.post(
    "/v1/orgs/:org/form-assignments/:id/submission",
    {
      config: { auth: { roles: ["app"] } },
      schema: {
        tags: ["forms"],
        summary: "Submit a form (emits formSubmitted); honours Idempotency-Key",
        params: assignmentParams,
        body: submitBody,
        response: problemResponses(400, 409),
      },
    },
    async (request, reply) => {
      const meta = requestMeta(request, request.params.org);
      return sendOutcome(
        parts,
        reply,
        200,
        await submitForm(parts, meta, { formAssignmentId: request.params.id, data: request.body.data }),
      );
    },
  );

  app.get(
    "/v1/orgs/:org/form-assignments",
    {
      config: { auth: { roles: [...READERS] } },
      schema: {
        tags: ["forms"],
        summary: "List form assignments",
        params: orgParams,
        querystring: listQuery,
      },
    },
    async (request) => ({
      formAssignments: await listAssignments(parts.db, request.params.org, request.query),
    }),
  );

  app.get(
    "/v1/orgs/:org/form-assignments/:id",
    {
      config: { auth: { roles: [...READERS] } },
      schema: { tags: ["forms"], summary: "Show a form assignment", params: assignmentParams },
    },
    async (request) => {
      const found = await findAssignment(parts.db, request.params.org, request.params.id);
      if (found === undefined) throw new NotFoundError(`form assignment ${request.params.id} does not exist`);
      return found;
    },
  );
}
