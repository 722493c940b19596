import type { FastifyInstance } from "fastify";
import { connectBus, provisionStreams, streamNames, type BusCredentials } from "@switchboard/bus";
import type { Config } from "@switchboard/config";
import { commandClients } from "@switchboard/contracts";
import { ping, type Database } from "@switchboard/db";
import type { NatsConnection } from "@nats-io/transport-node";
import { createSchemaRegistry } from "@switchboard/events";
import { buildHttpServer, type ReadinessCheck } from "@switchboard/http";
import type { Logger } from "@switchboard/logger";
import { jetstreamManager } from "@nats-io/jetstream";
import { commandCaller } from "./command-call.js";
import { createKeyAuthenticator } from "./key-authenticator.js";
import { LocalCommands } from "./local-commands.js";
import { createOrgChecker } from "./org-checker.js";
import type { Service, ServiceContext, ServiceFactory } from "./service.js";

export interface StartOptions {
  config: Config;
  logger: Logger;
  natsServers: string | string[];
  /** Who the services connect as; absent: NATS_CREDS from the config (or anonymous). */
  natsCredentials?: BusCredentials;
  database: Database;
  factories: ServiceFactory[];
  /** Closed after everything else on stop (e.g. a spawned nats-server). */
  onStopped?: () => Promise<void>;
  /**
   * `false`: no HTTP server, no routes mounted; the services' consumers, commands and outbox relays
   * run as they do with it (an engine-only replica). Defaults to true.
   */
  http?: boolean;
}

/** Services running without an HTTP server. */
export interface RunningWorkers {
  services: Service[];
  context: ServiceContext;
  stop(): Promise<void>;
}

export interface RunningServices extends RunningWorkers {
  url: string;
  app: FastifyInstance;
}

/**
 * Connects NATS, provisions the streams, builds every service on one context, serves all their
 * routes on one HTTP port (unless `http: false`) and starts them. `stop()` undoes it in reverse
 * and drains NATS.
 */
export function startServices(options: StartOptions & { http: false }): Promise<RunningWorkers>;
export function startServices(options: StartOptions & { http?: true }): Promise<RunningServices>;
export function startServices(options: StartOptions): Promise<RunningServices | RunningWorkers>;
export async function startServices(options: StartOptions): Promise<RunningServices | RunningWorkers> {
  const { config, logger, database } = options;
  let nc: NatsConnection | undefined;
  let app: FastifyInstance | undefined;
  const started: Service[] = [];
  try {
    nc = await connectNats(options, `switchboard-${process.pid}`, serviceCredentials(options));
    await provisionPatiently(nc, options);
    const context = createContext(options, nc);
    const services: Service[] = [];
    for (const factory of options.factories) services.push(await factory(context));
    if (options.http !== false) app = await mountRoutes(options, context, services);
    for (const service of services) {
      await service.start();
      started.push(service);
      logger.info({ started: service.name }, "service started");
    }
    if (app === undefined) return running(options, context, services, started);
    await app.listen({ port: config.port, host: config.host });
    return withHttp(running(options, context, services, started, app), app, config);
  } catch (error) {
    // Undo whatever was done, so a failed start leaves no connection, port or handle open.
    await stopAll(started.reverse(), logger);
    await app?.close().catch(() => undefined);
    await nc?.drain().catch(() => undefined);
    await database.close().catch(() => undefined);
    await options.onStopped?.().catch(() => undefined);
    throw error;
  }
}

/**
 * Provisions the streams, asking again for up to two minutes while JetStream does not answer or
 * fails on its side (a cluster electing its leaders, a busy machine): a service starting beside a
 * NATS that is not ready yet waits for it instead of exiting. A refusal (bad configuration) fails at once.
 */
function provisionPatiently(nc: NatsConnection, options: StartOptions): Promise<void> {
  const { config, logger } = options;
  return provisionStreams(nc, {
    namespace: config.namespace,
    prefix: config.streamPrefix,
    replicas: config.streamReplicas,
    duplicateWindowMs: config.duplicateWindowMs,
    limits: config.streamLimits,
    patienceMs: 120_000,
    onRetry: (error) =>
      logger.warn({ err: error }, "provisioning the streams failed on JetStream's side; asking again"),
  });
}

function serviceCredentials(options: StartOptions): BusCredentials | undefined {
  if (options.natsCredentials !== undefined) return options.natsCredentials;
  const file = options.config.natsCredsFile;
  if (file === undefined) {
    options.logger.warn("NATS_CREDS is not set: connecting to NATS without credentials");
    return undefined;
  }
  return { credsFile: file };
}

/** A connection to the process's NATS servers, with its TLS settings, as `credentials`. */
function connectNats(
  options: StartOptions,
  name: string,
  credentials: BusCredentials | undefined,
): Promise<NatsConnection> {
  const { config, logger } = options;
  return connectBus({
    servers: options.natsServers,
    name,
    logger,
    ...(credentials ? { credentials } : {}),
    ...(config.natsTls ? { tls: config.natsTls } : {}),
  });
}

/** The one HTTP server of the process, every service's routes on it, ready to listen. */
async function mountRoutes(
  options: StartOptions,
  context: ServiceContext,
  services: Service[],
): Promise<FastifyInstance> {
  const { config, logger, database } = options;
  const app = await buildHttpServer({
    logger,
    authenticate: createKeyAuthenticator(context.call),
    orgExists: createOrgChecker(context.call),
    bodyLimitBytes: config.bodyLimitBytes,
    maxJsonDepth: config.maxJsonDepth,
    readiness: await readinessChecks(context.nc, database, streamNames(config.streamPrefix)),
    title: "Switchboard",
  });
  for (const service of services) if (service.routes) await service.routes(app);
  await app.ready();
  return app;
}

function createContext(options: StartOptions, nc: NatsConnection): ServiceContext {
  const localCommands = new LocalCommands();
  const call = commandCaller(nc, options.config.namespace, localCommands);
  return {
    config: options.config,
    logger: options.logger,
    nc,
    connectNats: (name, credentials) => connectNats(options, name, credentials),
    database: options.database,
    schemas: createSchemaRegistry(),
    now: () => new Date(),
    localCommands,
    call,
    commands: commandClients(call),
  };
}

async function readinessChecks(
  nc: NatsConnection,
  database: Database,
  names: { events: string; inbound: string; dlq: string },
): Promise<ReadinessCheck[]> {
  const jsm = await jetstreamManager(nc);
  return [
    {
      name: "nats",
      check: async () =>
        !nc.isClosed() &&
        (await nc.flush().then(
          () => true,
          () => false,
        )),
    },
    { name: "database", check: () => ping(database.db) },
    {
      name: "streams",
      check: async () =>
        (
          await Promise.all(
            Object.values(names).map((n) =>
              jsm.streams.info(n).then(
                () => true,
                () => false,
              ),
            ),
          )
        ).every(Boolean),
    },
  ];
}

function running(
  options: StartOptions,
  context: ServiceContext,
  services: Service[],
  started: Service[],
  app?: FastifyInstance,
): RunningWorkers {
  const { logger, database } = options;
  let stopping: Promise<void> | undefined;
  return {
    services,
    context,
    stop() {
      stopping ??= (async () => {
        await app?.close();
        await stopAll([...started].reverse(), logger);
        await context.nc.drain().catch((e: unknown) => logger.warn({ err: e }, "NATS drain failed"));
        await database.close();
        await options.onStopped?.();
      })();
      return stopping;
    },
  };
}

function withHttp(workers: RunningWorkers, app: FastifyInstance, config: Config): RunningServices {
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : config.port;
  const url = `http://${config.host === "0.0.0.0" ? "127.0.0.1" : config.host}:${port}`;
  return { ...workers, url, app };
}

async function stopAll(services: Service[], logger: Logger): Promise<void> {
  for (const service of services) {
    try {
      await service.stop();
    } catch (error) {
      logger.error({ err: error, service: service.name }, "service did not stop cleanly");
    }
  }
}
