import type { FastifyInstance } from "fastify";
import { NotFoundError } from "@switchboard/errors";
import { problemResponses, requestMeta, type SchemaTypeProvider } from "@switchboard/http";
import { sendOutcome, type DomainParts } from "@switchboard/runtime";
import { createItem, setItemStatus } from "./item-commands.js";
import { findItem, listItems } from "./work-queue-item.repository.js";
import { approveProposal, rejectProposal, showProposal } from "./proposals.js";
import { findQueue, listQueues, upsertQueue } from "./work-queue.repository.js";
import {
  createItemBody,
  itemParams,
  listItemsQuery,
  orgParams,
  queueBody,
  queueParams,
  rejectBody,
  updateItemBody,
} from "./work-queues.schemas.js";
import type { WorkQueuesDB } from "./work-queues.tables.js";

const READERS = ["viewer", "app", "content-manager"] as const;

export async function workQueuesRoutes(
  server: FastifyInstance,
  parts: DomainParts<WorkQueuesDB>,
): Promise<void> {
  const { db } = parts;
  const app = server.withTypeProvider<SchemaTypeProvider>();

  app.put(
    "/v1/orgs/:org/work-queues/:queue",
    {
      config: { auth: { roles: ["content-manager"] } },
      schema: {
        tags: ["work-queues"],
        summary: "Create or replace a work queue and its statuses (the first is the initial one)",
        params: queueParams,
        body: queueBody,
        response: problemResponses(400),
      },
    },
    async (request, reply) => {
      const { queue, created } = await upsertQueue(db, request.params.org, {
        name: request.params.queue,
        ...request.body,
      });
      return reply.code(created ? 201 : 200).send(queue);
    },
  );

  app.get(
    "/v1/orgs/:org/work-queues",
    {
      config: { auth: { roles: [...READERS] } },
      schema: { tags: ["work-queues"], summary: "List work queues", params: orgParams },
    },
    async (request) => ({ workQueues: await listQueues(db, request.params.org) }),
  );

  app.get(
    "/v1/orgs/:org/work-queues/:queue",
    {
      config: { auth: { roles: [...READERS] } },
      schema: { tags: ["work-queues"], summary: "Show a work queue", params: queueParams },
    },
    async (request) => {
      const queue = await findQueue(db, request.params.org, request.params.queue);
      if (queue === undefined) throw new NotFoundError(`work queue "${request.params.queue}" does not exist`);
      return queue;
    },
  );

  app.post(
    "/v1/orgs/:org/work-queues/:queue/items",
    {
      config: { auth: { roles: ["app"] } },
      schema: {
        tags: ["work-queues"],
        summary: "Add an item (emits workQueueItemCreated); honours Idempotency-Key",
        params: queueParams,
        body: createItemBody,
        response: problemResponses(400),
      },
    },
    async (request, reply) => {
      const meta = requestMeta(request, request.params.org);
      return sendOutcome(
        parts,
        reply,
        201,
        await createItem(parts, meta, { queue: request.params.queue, ...request.body }),
      );
    },
  );

  app.patch(
    "/v1/orgs/:org/work-queue-items/:id",
    {
      config: { auth: { roles: ["app"] } },
      schema: {
        tags: ["work-queues"],
        summary: "Change an item's status (emits workQueueItemStatusUpdated); honours Idempotency-Key",
        params: itemParams,
        body: updateItemBody,
        response: problemResponses(400),
      },
    },
    async (request, reply) => {
      const meta = requestMeta(request, request.params.org);
      return sendOutcome(
        parts,
        reply,
        200,
        await setItemStatus(parts, meta, { workQueueItemId: request.params.id, ...request.body }),
      );
    },
  );

  app.get(
    "/v1/orgs/:org/work-queue-items/:id/proposal",
    {
      config: { auth: { roles: [...READERS] } },
      schema: {
        tags: ["work-queues"],
        summary: "Show the change an item proposes, and its decision",
        params: itemParams,
      },
    },
    async (request) => showProposal(db, request.params.org, request.params.id),
  );

  app.post(
    "/v1/orgs/:org/work-queue-items/:id/approve",
    {
      config: { auth: { roles: ["app"] } },
      schema: {
        tags: ["work-queues"],
        summary: "Approve the change an item proposes: it is applied, once, through its command",
        params: itemParams,
        response: problemResponses(404, 409),
      },
    },
    async (request) => {
      const proposal = await approveProposal(
        parts,
        requestMeta(request, request.params.org),
        request.params.id,
      );
      parts.eventsWritten();
      return proposal;
    },
  );

  app.post(
    "/v1/orgs/:org/work-queue-items/:id/reject",
    {
      config: { auth: { roles: ["app"] } },
      schema: {
        tags: ["work-queues"],
        summary: "Reject the change an item proposes, saying why; it is never applied",
        params: itemParams,
        body: rejectBody,
        response: problemResponses(400, 404, 409),
      },
    },
    async (request) =>
      rejectProposal(parts, requestMeta(request, request.params.org), request.params.id, request.body.reason),
  );

  app.get(
    "/v1/orgs/:org/work-queue-items",
    {
      config: { auth: { roles: [...READERS] } },
      schema: {
        tags: ["work-queues"],
        summary: "List work queue items",
        params: orgParams,
        querystring: listItemsQuery,
      },
    },
    async (request) => ({ workQueueItems: await listItems(db, request.params.org, request.query) }),
  );

  app.get(
    "/v1/orgs/:org/work-queue-items/:id",
    {
      config: { auth: { roles: [...READERS] } },
      schema: { tags: ["work-queues"], summary: "Show a work queue item", params: itemParams },
    },
    async (request) => {
      const item = await findItem(db, request.params.org, request.params.id);
      if (item === undefined) throw new NotFoundError(`work queue item ${request.params.id} does not exist`);
      return item;
    },
  );
}
