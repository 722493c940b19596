import { deleteSamplesBefore } from "./inbound-sample.repository.js";
import { deleteRuleRunsBefore, stripRuleRunPayloadsBefore } from "./rule-run.repository.js";
import {
  createDomainService,
  type DomainParts,
  type Service,
  type ServiceContext,
} from "@switchboard/runtime";
import { streamNames } from "@switchboard/bus";
import { definitionCommands } from "./definition.commands.js";
import { inboundBacklog } from "./health/inbound-backlog.js";
import { inboundHealth } from "./health/inbound-health.js";
import type { RulesEngineParts } from "./engine-parts.js";
import { startEngine, type Engine } from "./engine/engine.js";
import { deleteHealthHoursBefore, schemaTables } from "@switchboard/db";
import { createEventRefResolver } from "@switchboard/events";
import { INBOUND_HEALTH, migrations, SCHEMA } from "./migrations.js";
import { watchRuleChanges, type RuleChangeWatcher } from "./rule-change-watcher.js";
import { RuleIndex } from "./rule-index.js";
import { publishRulesChanged } from "./rules-changed.js";
import { rulesEngineRoutes } from "./rules-engine.routes.js";
import type { RulesEngineDB } from "./rules-engine.tables.js";
import { startTimerFiring, type TimerFiring } from "./timers/timer-firing.js";
import { deleteCancellationsBefore, deleteFinishedTimersBefore } from "./timers/timer-retention.js";

/** How often each replica looks for due timers, and how many it fires in one transaction. */
const TIMER_POLL_MS = 1_000;
const TIMER_BATCH = 50;
/** How long the inbound events' hourly health counts are kept: the 24 hours shown, and a day more. */
const HEALTH_HOURS_RETENTION_MS = 48 * 3_600_000;

export interface RulesEngineService extends Service {
  /** The in-memory rules of every org, loaded at start and kept current by the watcher. */
  readonly index: RuleIndex;
  /** What the engine, the routes and the commands work with; built at creation, HTTP or not. */
  readonly parts: RulesEngineParts;
}

/**
 * Inbound event definitions, rules and their versions, dry runs and rule runs over HTTP (when the
 * process mounts routes); the rule index every replica keeps current; and (started in `start()`)
 * the engine's consumers, which need no HTTP server.
 */
export function createRulesEngineService(ctx: ServiceContext): RulesEngineService {
  const db = schemaTables<RulesEngineDB>(ctx.database.db);
  const index = new RuleIndex({ logger: ctx.logger });
  const eventRefs = createEventRefResolver();
  let watcher: RuleChangeWatcher | undefined;
  let engine: Engine | undefined;
  let timers: TimerFiring | undefined;
  const changed = (orgId: string): void => {
    publishRulesChanged(ctx.nc, ctx.config.namespace, orgId, ctx.logger);
    watcher?.changed(orgId);
  };
  const withEngineParts = (parts: DomainParts<RulesEngineDB>): RulesEngineParts => ({
    ...parts,
    schemas: ctx.schemas,
    eventRefs,
    changed,
  });
  const domain = createDomainService<RulesEngineDB>(ctx, {
    name: "rules-engine",
    schema: SCHEMA,
    migrations,
    commands: (parts) => {
      const backlog = inboundBacklog(ctx.nc, {
        namespace: ctx.config.namespace,
        stream: streamNames(ctx.config.streamPrefix).inbound,
        durable: "rules-engine",
      });
      return definitionCommands(parts, (orgId) => inboundHealth(parts.db, backlog, orgId, ctx.now()));
    },
    routes: (app, parts) => rulesEngineRoutes(app, withEngineParts(parts)),
    sweeps: ({ db: database }) => [
      {
        what: "rule run payloads",
        retentionMs: ctx.config.ruleRunPayloadRetentionMs,
        run: (before) => stripRuleRunPayloadsBefore(database, before),
      },
      {
        what: "rule runs",
        retentionMs: ctx.config.ruleRunRetentionMs,
        run: (before) => deleteRuleRunsBefore(database, before),
      },
      {
        what: "finished rule timers",
        retentionMs: ctx.config.ruleRunRetentionMs,
        run: (before) => deleteFinishedTimersBefore(database, before),
      },
      {
        what: "timer cancellations",
        retentionMs: ctx.config.ruleRunRetentionMs,
        run: (before) => deleteCancellationsBefore(database, before),
      },
      {
        what: "inbound event health counts",
        retentionMs: HEALTH_HOURS_RETENTION_MS,
        run: (before) => deleteHealthHoursBefore(database, INBOUND_HEALTH, before),
      },
      {
        what: "inbound samples",
        retentionMs: ctx.config.sampleRetentionMs,
        run: (before) => deleteSamplesBefore(database, before),
      },
    ],
  });

  const parts = withEngineParts(domain.parts);
  return {
    name: domain.name,
    index,
    parts,
    ...(domain.routes ? { routes: domain.routes } : {}),
    async start() {
      await domain.start(); // migrations and the outbox relay
      // Listen before loading, so a change made while the index loads is not missed.
      watcher = watchRuleChanges(ctx, index, db);
      try {
        await ctx.nc.flush();
        await index.load(db);
        // Consume only once the index is loaded and watched.
        engine = await startEngine(ctx, parts, index);
        timers = startTimerFiring(
          {
            db: parts.db,
            source: parts.source,
            call: parts.call,
            logger: ctx.logger.child({ component: "rule-timers" }),
            maxAttempts: ctx.config.rulesMaxDeliver,
            backoffMs: ctx.config.rulesBackoffMs,
            eventsWritten: parts.eventsWritten,
          },
          { pollMs: TIMER_POLL_MS, batch: TIMER_BATCH },
        );
      } catch (error) {
        await watcher.stop();
        await domain.stop();
        throw error;
      }
    },
    async stop() {
      await timers?.stop();
      await engine?.stop();
      await watcher?.stop();
      await domain.stop();
    },
  };
}
