import { createDomainService, type Service, type ServiceContext } from "@switchboard/runtime";
import { formsCommands } from "./forms.commands.js";
import { formsRoutes } from "./forms.routes.js";
import type { FormsDB } from "./forms.tables.js";
import { migrations, SCHEMA } from "./migrations.js";

/** Form assignments and submissions; emits formAssigned and formSubmitted. */
export function createFormsService(ctx: ServiceContext): Service {
  return createDomainService<FormsDB>(ctx, {
    name: "forms",
    schema: SCHEMA,
    migrations,
    idempotencyKeys: true,
    commands: formsCommands,
    routes: formsRoutes,
  });
}
