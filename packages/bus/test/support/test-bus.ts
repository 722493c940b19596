import { jetstream, type JetStreamClient } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { createLogger } from "@switchboard/logger";
import { startNatsServer, type NatsServer } from "@switchboard/testing";
import { connectBus } from "../../src/connection.js";
import { provisionStreams } from "../../src/stream-provisioner.js";

export interface TestBus {
  server: NatsServer;
  nc: NatsConnection;
  js: JetStreamClient;
  /** Closes the connection, then the server. */
  close(): Promise<void>;
}

/**
 * For the bus's own tests: a nats-server of the test's own (JetStream on a temp store), a
 * connection named `name`, and the platform's streams under `streams` when given.
 */
export async function openTestBus(
  name: string,
  streams?: { namespace: string; prefix: string; duplicateWindowMs: number },
): Promise<TestBus> {
  const server = await startNatsServer();
  try {
    const nc = await connectBus({ servers: server.url, name, logger: createLogger({ level: "silent" }) });
    if (streams !== undefined) await provisionStreams(nc, { ...streams, replicas: 1 });
    return {
      server,
      nc,
      js: jetstream(nc),
      async close() {
        await nc.close();
        await server.close();
      },
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}
