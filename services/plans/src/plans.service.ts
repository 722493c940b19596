import { createDomainService, type Service, type ServiceContext } from "@switchboard/runtime";
import { migrations, SCHEMA } from "./migrations.js";
import { plansCommands } from "./plans.commands.js";
import { plansRoutes } from "./plans.routes.js";
import type { PlansDB } from "./plans.tables.js";

/** Plan templates and plans; emits planCreated. */
export function createPlansService(ctx: ServiceContext): Service {
  return createDomainService<PlansDB>(ctx, {
    name: "plans",
    schema: SCHEMA,
    migrations,
    idempotencyKeys: true,
    commands: plansCommands,
    routes: plansRoutes,
  });
}
