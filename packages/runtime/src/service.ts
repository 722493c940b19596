import type { FastifyInstance } from "fastify";
import type { NatsConnection } from "@nats-io/transport-node";
import type { BusCredentials } from "@switchboard/bus";
import type { Config } from "@switchboard/config";
import type { Commands } from "@switchboard/contracts";
import type { Database } from "@switchboard/db";
import type { SchemaRegistry } from "@switchboard/events";
import type { Logger } from "@switchboard/logger";
import type { CommandCaller } from "./command-call.js";
import type { LocalCommands } from "./local-commands.js";

/** What the runner hands every service: connections and config, already validated and open. */
export interface ServiceContext {
  config: Config;
  logger: Logger;
  nc: NatsConnection;
  /** Another connection to the same NATS servers (same TLS) as other credentials; the caller closes it. */
  connectNats(name: string, credentials: BusCredentials): Promise<NatsConnection>;
  database: Database;
  schemas: SchemaRegistry;
  now: () => Date;
  /** Command handlers of the services in this process. */
  localCommands: LocalCommands;
  /** Calls any service's command by name, untyped, in-process when it runs here. */
  call: CommandCaller;
  /** The same, typed by each service's contract: `commands.plans.getPlan({ orgId, params: { planId } })`. */
  commands: Commands;
}

/** A service as the runner sees it; the same object runs all-in-one or alone. */
export interface Service {
  name: string;
  /** Registers the service's HTTP routes on the shared server. */
  routes?: (app: FastifyInstance) => Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export type ServiceFactory = (ctx: ServiceContext) => Service | Promise<Service>;
