import type { FastifyInstance } from "fastify";
import type { Kysely } from "kysely";
import {
  jetstream,
  PipelinedPublisher,
  publishDeadLetterOf,
  streamNames,
  type CommandServer,
} from "@switchboard/bus";
import { ErrorCodes, isSwitchboardError, SwitchboardError } from "@switchboard/errors";
import {
  deleteIdempotencyKeysBefore,
  schemaTables,
  type IdempotencyTables,
  type Migration,
} from "@switchboard/db";
import {
  createOutboxRelay,
  deleteOutboxRowsBefore,
  type EventSource,
  type OutboxHandoff,
  type OutboxTables,
} from "@switchboard/outbox";
import type { Commands } from "@switchboard/contracts";
import type { CommandCaller } from "./command-call.js";
import type { ImplementedCommands } from "./implement-commands.js";
import { migrateOrThrow } from "./migrate.js";
import { serveServiceCommands } from "./command-registration.js";
import type { Service, ServiceContext } from "./service.js";
import { startSweeps, type Sweep, type Sweeps } from "./sweeps.js";

/** What a domain service's routes and commands work with; `DB` is the tables of its schema. */
export interface DomainParts<DB> {
  db: Kysely<DB>;
  source: EventSource;
  /** Call after a commit that wrote events, so the relay publishes them now rather than at its next poll. */
  eventsWritten(): void;
  /**
   * The hot path's way: enqueue events claimed by the relay (enqueuingClaimedEvents with
   * `outbox.claim`) and hand the rows over after the commit; published at once, no pass needed.
   */
  outbox: OutboxHandoff;
  /** Another service's command by name, untyped (for targets that are data), its failure thrown with its own code. */
  call: CommandCaller;
  /** Other services' commands, typed by their contracts, failures thrown with their own codes. */
  commands: Commands;
}

export interface DomainServiceSpec<DB extends OutboxTables> {
  name: string;
  /** The PostgreSQL schema the service owns; its migrations must include the outbox table. */
  schema: string;
  migrations: Record<string, Migration>;
  /** The service's commands: `implement(<its contract>, handlers)`, served under the contract's service name. */
  commands?: (parts: DomainParts<DB>) => ImplementedCommands;
  routes?: (app: FastifyInstance, parts: DomainParts<DB>) => Promise<void>;
  /**
   * The schema has `idempotency_keys` (idempotencyMigration): forget keys after their retention.
   * Only a service whose tables include them may say so.
   */
  idempotencyKeys?: DB extends IdempotencyTables ? boolean : never;
  /** What else the service deletes after its retention; the outbox's done rows always are. */
  sweeps?: (parts: DomainParts<DB>) => Sweep[];
}

/** A domain service, with the parts it is built from, ready at creation: engines need no HTTP to get them. */
export interface DomainService<DB> extends Service {
  readonly parts: DomainParts<DB>;
}

/**
 * The shape every domain service shares: migrate its schema, relay its outbox to JetStream, answer
 * its commands on `<ns>.cmd.<name>.*`, serve its routes (when the process mounts them).
 */
export function createDomainService<DB extends OutboxTables>(
  ctx: ServiceContext,
  spec: DomainServiceSpec<DB>,
): DomainService<DB> {
  const { config, logger } = ctx;
  const db = schemaTables<DB>(ctx.database.db);
  const js = jetstream(ctx.nc);
  const streams = streamNames(config.streamPrefix);
  const eventsStream = streams.events;
  const publisher = new PipelinedPublisher(ctx.nc);
  const relay = createOutboxRelay({
    db,
    schema: spec.schema,
    logger,
    pollMs: config.outboxPollMs,
    // A dead relay's rows are republished after its lease; the broker drops those repeats only
    // within the duplicate window, so the lease stays well inside it.
    leaseMs: Math.min(30_000, Math.floor(config.duplicateWindowMs / 4)),
    // The rows of a batch go out in one write and their PubAcks come to one subscription, with no
    // request object, timer or error object per row (the relay's largest cost in the profile).
    publish: (m) => publisher.publish({ ...m, expectStream: eventsStream }),
    maxMessageBytes: () => ctx.nc.info?.max_payload,
    // The broker refused the message itself (a JetStream API error): no retry changes that.
    isPermanent: (error) => isSwitchboardError(error) && error.code === ErrorCodes.Config,
    setAside: async (row, reason) => {
      await publishDeadLetterOf(
        js,
        { namespace: config.namespace, stream: streams.dlq },
        {
          subject: row.subject,
          data: new TextEncoder().encode(row.payload),
          headers: {
            ...Object.fromEntries(Object.entries(row.headers).map(([k, v]) => [k, [v]])),
            "Nats-Msg-Id": [row.message_id],
          },
          stream: `outbox:${spec.schema}`,
          seq: Number(row.id),
          deliveries: row.attempts,
        },
        { stage: "outbox", reason, consumer: `${spec.name}-outbox-relay` },
      );
    },
  });
  const parts: DomainParts<DB> = {
    db,
    source: {
      namespace: config.namespace,
      branch: config.branch,
      schema: spec.schema,
      schemas: ctx.schemas,
      now: ctx.now,
      maxEventBytes: ctx.nc.info?.max_payload,
    },
    eventsWritten: () => relay.kick(),
    outbox: relay.handoff,
    call: ctx.call,
    commands: ctx.commands,
  };
  const sweepList: Sweep[] = [
    {
      what: `${spec.name} outbox rows`,
      retentionMs: config.outboxRetentionMs,
      run: (before) => deleteOutboxRowsBefore(db, spec.schema, before),
    },
    ...(spec.idempotencyKeys
      ? [
          {
            what: `${spec.name} idempotency keys`,
            retentionMs: config.idempotencyRetentionMs,
            run: (before: Date) =>
              deleteIdempotencyKeysBefore(
                schemaTables<IdempotencyTables>(ctx.database.db),
                spec.schema,
                before,
              ),
          },
        ]
      : []),
    ...(spec.sweeps?.(parts) ?? []),
  ];
  const routes = spec.routes;
  let commands: CommandServer | undefined;
  let sweeps: Sweeps | undefined;
  return {
    name: spec.name,
    parts,
    ...(routes ? { routes: (app: FastifyInstance) => routes(app, parts) } : {}),
    async start() {
      const implemented = spec.commands?.(parts);
      if (implemented !== undefined && implemented.service !== spec.name)
        throw new SwitchboardError(
          ErrorCodes.Internal,
          `service ${spec.name} implements the contract of ${implemented.service}`,
        );
      await migrateOrThrow(db, spec.schema, spec.migrations);
      relay.start();
      sweeps = startSweeps({ sweeps: sweepList, everyMs: config.retentionSweepMs, now: ctx.now, logger });
      if (implemented !== undefined) commands = serveServiceCommands(ctx, implemented);
    },
    async stop() {
      await commands?.stop();
      await sweeps?.stop();
      // The relay's stop waits for the publishes under way; the publisher's reply subscription goes
      // with the connection (a stopped publisher takes no more, and start may follow stop).
      await relay.stop();
    },
  };
}
