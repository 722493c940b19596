import { streamNames } from "@switchboard/bus";
import { createLogger } from "@switchboard/logger";
import type { ServiceContext } from "@switchboard/runtime";
import { runWebhookBridgeStack, type WebhookBridgeStack } from "../webhook-bridge-stack.js";
import {
  createDeliveryEngine,
  type DeliveryEngine,
  type DeliveryEngineDeps,
} from "../../../src/delivery/delivery-engine.js";
import { eventPublisher, type EventPublisher } from "./event-publisher.js";

export type EngineOptions = Omit<DeliveryEngineDeps, "keyring">;

/**
 * Short waits, so the tests see retries and stops within seconds. The ack wait stays long enough
 * that a busy test machine stalling a replica does not let an ack lapse (a redelivery is allowed,
 * but would break the suites' exact counts).
 */
export const FAST_ENGINE: EngineOptions = {
  ackWaitMs: 5_000,
  pullExpiresMs: 1_000,
  parkedRedeliveryMs: 2_000,
};

export interface BridgeReplica {
  stack: WebhookBridgeStack;
  engine: DeliveryEngine;
  stop(): Promise<void>;
}

/** What the suite made for the stack (a nats-server, a database, the config naming both); closed with it. */
export interface StackResources {
  nats: { url: string; close(): Promise<void> };
  database: { url: string; drop(): Promise<void> };
  config: ServiceContext["config"];
}

export interface DeliveryStack extends StackResources {
  events: EventPublisher;
  /** The first bridge replica, started with the stack. */
  bridge: BridgeReplica;
  /** Another replica on the same NATS, database and keyring. */
  replica(options?: EngineOptions): Promise<BridgeReplica>;
  close(): Promise<void>;
}

/**
 * The webhook bridge with this delivery engine behind the real HTTP API; deliveries go out over
 * real sockets.
 */
export async function startDeliveryStack(
  resources: StackResources,
  options: EngineOptions = FAST_ENGINE,
): Promise<DeliveryStack> {
  const { nats, database, config } = resources;
  const replicas: BridgeReplica[] = [];
  const release = async (): Promise<void> => {
    await Promise.all(replicas.map((r) => r.stop()));
    await database.drop();
    await nats.close();
  };
  const replica = async (engineOptions: EngineOptions = options): Promise<BridgeReplica> => {
    let engine: DeliveryEngine | undefined;
    const stack = await runWebhookBridgeStack({
      config,
      natsUrl: nats.url,
      databaseUrl: database.url,
      cleanup: async () => {},
      delivery: (parts) =>
        (engine = createDeliveryEngine(parts.ctx, parts, { keyring: parts.keyring, ...engineOptions })),
    });
    const started: BridgeReplica = { stack, engine: engine!, stop: () => stack.close() };
    replicas.push(started);
    return started;
  };
  try {
    const bridge = await replica();
    const events = await eventPublisher({
      natsUrl: nats.url,
      namespace: config.namespace,
      eventsStream: streamNames(config.streamPrefix).events,
      logger: createLogger({ level: "silent" }),
    });
    return {
      ...resources,
      events,
      bridge,
      replica,
      async close() {
        await events.close();
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}
