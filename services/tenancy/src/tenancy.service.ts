import {
  migrateOrThrow,
  serveServiceCommands,
  type Service,
  type ServiceContext,
} from "@switchboard/runtime";
import { ensureAdminKey } from "./admin-key.js";
import { authenticate } from "./authenticate.command.js";
import { migrations, SCHEMA } from "./migrations.js";
import { findOrg } from "./org.repository.js";
import { tenancyRoutes } from "./tenancy.routes.js";

export interface TenancyOptions {
  /** Where the one-time generated admin key is shown. */
  announce: (text: string) => void;
}

/** Orgs and API keys: who may call what. Other processes check keys through its commands. */
export function createTenancyService(ctx: ServiceContext, options: TenancyOptions): Service {
  const db = ctx.database.db;
  let commands: { stop(): Promise<void> } | undefined;
  return {
    name: "tenancy",
    routes: (app) => tenancyRoutes(app, db),
    async start() {
      await migrateOrThrow(db, SCHEMA, migrations);
      const admin = await ensureAdminKey(db, ctx.config.adminKey);
      if (admin.outcome === "generated") {
        options.announce(
          `\nA platform-admin API key was generated. It is shown this once; store it now:\n\n  ${admin.token}\n\n` +
            `Use it as "Authorization: Bearer <key>". To choose the key yourself, set SWITCHBOARD_ADMIN_KEY.\n`,
        );
      }
      commands = serveServiceCommands(ctx, "tenancy", {
        authenticate: (req) => authenticate(db, req.params),
        getOrg: async (req) => (await findOrg(db, req.orgId)) ?? null,
      });
    },
    async stop() {
      await commands?.stop();
    },
  };
}
