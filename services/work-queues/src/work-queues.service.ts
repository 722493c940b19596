import { createDomainService, type Service, type ServiceContext } from "@switchboard/runtime";
import { migrations, SCHEMA } from "./migrations.js";
import { workQueuesCommands } from "./work-queues.commands.js";
import { workQueuesRoutes } from "./work-queues.routes.js";
import type { WorkQueuesDB } from "./work-queues.tables.js";

/** Work queues (their statuses) and items; emits workQueueItemCreated and workQueueItemStatusUpdated. */
export function createWorkQueuesService(ctx: ServiceContext): Service {
  return createDomainService<WorkQueuesDB>(ctx, {
    name: "work-queues",
    schema: SCHEMA,
    migrations,
    idempotencyKeys: true,
    commands: workQueuesCommands,
    routes: workQueuesRoutes,
  });
}
