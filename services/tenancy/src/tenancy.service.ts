import { tenancyContract } from "@switchboard/contracts";
import {
  commandMeta,
  createDomainService,
  implement,
  type Service,
  type ServiceContext,
} from "@switchboard/runtime";
import { streamNames } from "@switchboard/bus";
import { deleteHealthHoursBefore, schemaTables } from "@switchboard/db";
import { ensureAdminKey } from "./admin-key.js";
import { authenticate } from "./authenticate.command.js";
import { CREDENTIAL_HEALTH, migrations, SCHEMA } from "./migrations.js";
import { createAccountPublisher, type AccountPublisher } from "./nats-credentials/account-publisher.js";
import { connectionActivity } from "./nats-credentials/connection-activity.js";
import { consumerBacklog, credentialHealth } from "./nats-credentials/credential-health.js";
import {
  natsCredentialService,
  type NatsCredentialService,
} from "./nats-credentials/nats-credential-service.js";
import { natsCredentialRoutes } from "./nats-credentials/nats-credential.routes.js";
import { loadIssuer } from "./nats-credentials/nats-issuer.js";
import { findOrg } from "./org.repository.js";
import { orgHealthRoutes } from "./org-health/org-health.routes.js";
import { requireOrg, tenancyRoutes } from "./tenancy.routes.js";
import type { TenancyDB } from "./tenancy.tables.js";

export interface TenancyOptions {
  /** Where the one-time generated admin key is shown. */
  announce: (text: string) => void;
}

/** How long the credentials' hourly health counts are kept: the 24 hours shown, and a day more. */
const HEALTH_HOURS_RETENTION_MS = 48 * 3_600_000;

/**
 * Orgs, API keys and NATS credentials: who may call what, over HTTP and on the bus. Other processes
 * check keys through its commands; with an issuer it signs third parties' NATS credentials and keeps
 * the servers' account (its revocations) current.
 */
export function createTenancyService(ctx: ServiceContext, options: TenancyOptions): Service {
  const db = schemaTables<TenancyDB>(ctx.database.db);
  const issuer = loadIssuer(ctx.config.natsIssuerFile);
  const publisher: AccountPublisher | undefined =
    issuer === undefined
      ? undefined
      : createAccountPublisher({ ctx, db, issuer, logger: ctx.logger, now: ctx.now });
  // Without an issuer nobody listens to connections; credentials made earlier still show.
  const activity =
    issuer === undefined ? undefined : connectionActivity({ ctx, db, issuer, logger: ctx.logger });
  const backlog = consumerBacklog(ctx.nc, streamNames(ctx.config.streamPrefix).events);
  const credentialsHealth = (orgId: string) => credentialHealth(db, backlog, orgId, ctx.now());
  let credentials: NatsCredentialService | undefined;
  const domain = createDomainService<TenancyDB>(ctx, {
    name: "tenancy",
    schema: SCHEMA,
    migrations,
    commands: () =>
      implement(tenancyContract, {
        authenticate: (req) => authenticate(db, req.params),
        getOrg: async (req) => (await findOrg(db, req.orgId)) ?? null,
        credentialHealth: async (req) => ({
          natsCredentials: await credentialsHealth(commandMeta(req).orgId),
        }),
      }),
    sweeps: ({ db: database }) => [
      {
        what: "NATS credential health counts",
        retentionMs: HEALTH_HOURS_RETENTION_MS,
        run: (before) => deleteHealthHoursBefore(database, CREDENTIAL_HEALTH, before),
      },
    ],
    routes: async (app, parts) => {
      if (issuer !== undefined && publisher !== undefined) {
        credentials = natsCredentialService({
          db,
          nc: ctx.nc,
          source: parts.source,
          issuer,
          publisher,
          streamPrefix: ctx.config.streamPrefix,
          eventsWritten: parts.eventsWritten,
        });
      }
      await tenancyRoutes(app, db);
      await natsCredentialRoutes(app, db, credentials, (org) => requireOrg(db, org));
      await orgHealthRoutes(
        app,
        { commands: parts.commands, credentials: credentialsHealth, logger: ctx.logger },
        (org) => requireOrg(db, org),
      );
    },
  });
  return {
    name: "tenancy",
    routes: domain.routes,
    async start() {
      await domain.start();
      const admin = await ensureAdminKey(db, ctx.config.adminKey);
      if (admin.outcome === "generated") {
        options.announce(
          `\nA platform-admin API key was generated. It is shown this once; store it now:\n\n  ${admin.token}\n\n` +
            `Use it as "Authorization: Bearer <key>". To choose the key yourself, set SWITCHBOARD_ADMIN_KEY.\n`,
        );
      }
      await publisher?.start();
      await activity?.start();
    },
    async stop() {
      await activity?.stop();
      await publisher?.stop();
      await domain.stop();
    },
  };
}
