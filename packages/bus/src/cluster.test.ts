import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { createLogger } from "@switchboard/logger";
import { startNatsCluster, type NatsCluster } from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectBus } from "./connection.js";
import { publish } from "./publisher.js";
import { provisionStreams } from "./stream-provisioner.js";

const logger = createLogger({ level: "silent" });

// One test only: a three-node cluster is slow to start.
describe("on a 3-node JetStream cluster", () => {
  let cluster: NatsCluster;
  let nc: NatsConnection;
  beforeAll(async () => {
    cluster = await startNatsCluster();
    nc = await connectBus({
      servers: cluster.urls,
      name: "cluster-test",
      logger,
      credentials: { creds: cluster.auth.adminCreds },
    });
  }, 120_000);
  afterAll(async () => {
    await nc?.close();
    await cluster?.close();
  });

  it("provisions streams with 3 replicas and accepts a publish", async () => {
    // As a service does at start: a fresh cluster's peer may fail to create a store at first.
    await provisionStreams(nc, {
      namespace: "cl",
      prefix: "",
      replicas: 3,
      duplicateWindowMs: 120_000,
      patienceMs: 60_000,
    });
    const receipt = await publish(
      jetstream(nc),
      "cl.events.acme.planCreated",
      { planId: "p1" },
      { msgId: "c-1" },
    );
    expect(receipt).toEqual({ stream: "EVENTS", seq: 1, duplicate: false });
    const info = await (await jetstreamManager(nc)).streams.info("EVENTS");
    expect(info.config.num_replicas).toBe(3);
    expect(info.cluster?.leader).toBeTruthy();
    expect(info.cluster?.replicas).toHaveLength(2);
  }, 120_000);
});
