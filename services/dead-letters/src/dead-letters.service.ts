import { jetstream, streamNames } from "@switchboard/bus";
import { schemaTables } from "@switchboard/db";
import { migrateOrThrow, type Service, type ServiceContext } from "@switchboard/runtime";
import { deadLetterRoutes } from "./dead-letters.routes.js";
import { createDlqReader } from "./dlq-reader.js";
import { migrations, SCHEMA } from "./migrations.js";
import type { DeadLettersDB } from "./dead-letters.tables.js";
import type { RetryDeps } from "./retry-dead-letter.js";

/**
 * The dead-letter desk: lists, shows, retries and resolves the entries of the DLQ stream per org.
 * It never deletes from the stream; what it did is kept in its own `actions` table.
 */
export function createDeadLettersService(ctx: ServiceContext): Service {
  const { config } = ctx;
  const streams = streamNames(config.streamPrefix);
  const deps: RetryDeps = {
    db: schemaTables<DeadLettersDB>(ctx.database.db),
    reader: createDlqReader(ctx.nc, { namespace: config.namespace, stream: streams.dlq }),
    js: jetstream(ctx.nc),
    namespace: config.namespace,
    streams,
    commands: ctx.commands,
    logger: ctx.logger.child({ component: "dead-letters" }),
  };
  return {
    name: "dead-letters",
    routes: (app) => deadLetterRoutes(app, deps),
    async start() {
      await migrateOrThrow(deps.db, SCHEMA, migrations);
    },
    async stop() {
      // Nothing runs between requests: no consumer, no relay.
    },
  };
}
