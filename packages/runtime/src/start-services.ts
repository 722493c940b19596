import type { FastifyInstance } from "fastify";
import { connectBus, provisionStreams, streamNames } from "@switchboard/bus";
import type { Config } from "@switchboard/config";
import { ping, type Database } from "@switchboard/db";
import { createSchemaRegistry } from "@switchboard/events";
import { buildHttpServer } from "@switchboard/http";
import type { Logger } from "@switchboard/logger";
import { jetstreamManager } from "@nats-io/jetstream";
import { commandCaller } from "./command-call.js";
import { createKeyAuthenticator } from "./key-authenticator.js";
import { LocalCommands } from "./local-commands.js";
import type { Service, ServiceContext, ServiceFactory } from "./service.js";

export interface StartOptions {
  config: Config;
  logger: Logger;
  natsServers: string | string[];
  database: Database;
  factories: ServiceFactory[];
  /** Closed after everything else on stop (e.g. a spawned nats-server). */
  onStopped?: () => Promise<void>;
}

export interface RunningServices {
  url: string;
  app: FastifyInstance;
  services: Service[];
  context: ServiceContext;
  stop(): Promise<void>;
}

/**
 * Connects NATS, provisions the streams, builds every service on one context, serves all their
 * routes on one HTTP port and starts them. `stop()` undoes it in reverse and drains NATS.
 */
export async function startServices(options: StartOptions): Promise<RunningServices> {
  const { config, logger, database } = options;
  const nc = await connectBus({ servers: options.natsServers, name: `switchboard-${process.pid}`, logger });
  const streamOptions = {
    namespace: config.namespace,
    prefix: config.streamPrefix,
    replicas: config.streamReplicas,
    duplicateWindowMs: config.duplicateWindowMs,
  };
  await provisionStreams(nc, streamOptions);
  const localCommands = new LocalCommands();
  const context: ServiceContext = {
    config,
    logger,
    nc,
    database,
    schemas: createSchemaRegistry(),
    now: () => new Date(),
    localCommands,
    call: commandCaller(nc, config.namespace, localCommands),
  };
  const services: Service[] = [];
  for (const factory of options.factories) services.push(await factory(context));

  const jsm = await jetstreamManager(nc);
  const names = streamNames(config.streamPrefix);
  const app = await buildHttpServer({
    logger,
    authenticate: createKeyAuthenticator(context.call),
    bodyLimitBytes: config.bodyLimitBytes,
    maxJsonDepth: config.maxJsonDepth,
    readiness: [
      { name: "nats", check: async () => !nc.isClosed() && (await nc.flush().then(() => true, () => false)) },
      { name: "database", check: () => ping(database.db) },
      {
        name: "streams",
        check: async () =>
          (await Promise.all(Object.values(names).map((n) => jsm.streams.info(n).then(() => true, () => false)))).every(Boolean),
      },
    ],
    title: "Switchboard",
  });
  for (const service of services) if (service.routes) await service.routes(app);
  await app.ready();

  const started: Service[] = [];
  try {
    for (const service of services) {
      await service.start();
      started.push(service);
      logger.info({ started: service.name }, "service started");
    }
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await stopAll(started.reverse(), logger);
    await app.close();
    await nc.drain().catch(() => undefined);
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : config.port;
  const url = `http://${config.host === "0.0.0.0" ? "127.0.0.1" : config.host}:${port}`;

  let stopping: Promise<void> | undefined;
  return {
    url,
    app,
    services,
    context,
    stop() {
      stopping ??= (async () => {
        await app.close();
        await stopAll([...started].reverse(), logger);
        await nc.drain().catch((e: unknown) => logger.warn({ err: e }, "NATS drain failed"));
        await database.close();
        await options.onStopped?.();
      })();
      return stopping;
    },
  };
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
