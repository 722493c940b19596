import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor, type NatsServer } from "@switchboard/testing";
import { api, type Api } from "./support/api.js";
import { startWebhookCounter, type WebhookCounter } from "./support/cluster-sink.js";
import {
  logLines,
  problemsOf,
  SCALED,
  startClusterStack,
  type ClusterStack,
} from "./support/cluster-stack.js";
import { booking, reminderRule, slotBookedDefinition } from "./support/examples.js";
import { ADMIN_KEY } from "./support/switchboard.js";

const EVENTS = 600;
const IN_FLIGHT = 12;
const INBOUND_PATH = "/v1/orgs/hrh/inbound/scheduling.slotBooked";

/** What one client saw posting one event until it was accepted. */
interface Posted {
  n: number;
  replica: 0 | 1;
  status: number;
  retries: number;
}

/**
 * The deployment of deploy/: a 3-node JetStream cluster started from deploy/nats/cluster.conf, streams
 * with 3 replicas, every service as its own process and two replicas of ingress, rules engine, forms
 * and webhook bridge. One NATS node is killed (SIGKILL) while events flow.
 */
describe("on a 3-node NATS cluster with replicated services, a node is lost mid-flow", () => {
  let stack: ClusterStack;
  let sink: WebhookCounter;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let db: pg.Client;
  let ingress: [Api, Api];

  beforeAll(async () => {
    [stack, sink] = await Promise.all([startClusterStack(), startWebhookCounter()]);
    nc = await connect(stack.cluster.connectOptions());
    jsm = await jetstreamManager(nc);
    db = new pg.Client({ connectionString: stack.database.url });
    await db.connect();

    const admin = api(stack.core.url, ADMIN_KEY);
    expect((await admin.post("/v1/orgs", { id: "hrh", name: "HRH" })).status).toBe(201);
    const keyOf = async (roles: string[]) =>
      (await admin.post("/v1/orgs/hrh/api-keys", { name: roles.join("+"), roles })).body.key as string;
    const [cmKey, integrationKey] = [await keyOf(["content-manager", "app"]), await keyOf(["integration"])];
    const core = api(stack.core.url, cmKey);
    expect(
      (
        await core.post("/v1/orgs/hrh/plan-templates", {
          name: "maternity-care",
          roles: [],
          forms: ["AppointmentReminder"],
        })
      ).status,
    ).toBe(201);
    expect(
      (await core.post("/v1/orgs/hrh/plans", { templateName: "maternity-care", userId: "pat-1" })).status,
    ).toBe(201);
    const rules = api(stack.replicas["rules-engine"][0]!.url, cmKey);
    const { name, ...definition } = slotBookedDefinition();
    expect((await rules.put(`/v1/orgs/hrh/inbound-events/${name}`, definition)).status).toBe(201);
    expect(
      (await rules.put("/v1/orgs/hrh/rules/slot-booked-assigns-reminder?activate=true", reminderRule()))
        .status,
    ).toBe(201);
    const secondEngine = stack.startSecondEngine();
    const bridge = api(stack.replicas["webhook-bridge"][1]!.url, cmKey);
    expect(
      (await bridge.post("/v1/orgs/hrh/webhooks", { url: sink.url, eventTypes: ["formAssigned"] })).status,
    ).toBe(201);
    ingress = [
      api(stack.replicas.ingress[0]!.url, integrationKey),
      api(stack.replicas.ingress[1]!.url, integrationKey),
    ];
    await secondEngine;
    // The first engine reloads the org's rules right after its own change; give that a moment.
    await new Promise((r) => setTimeout(r, 1_000));
  }, 240_000);

  afterAll(async () => {
    await db?.end();
    await nc?.close();
    await sink?.close();
    await stack?.close();
  }, 60_000);

  it("accepts every event, assigns exactly one form per booking, delivers every formAssigned, and every replica works", async () => {
    const streamsBefore = await Promise.all(["INBOUND", "EVENTS", "DLQ"].map((s) => jsm.streams.info(s)));
    expect(streamsBefore.map((s) => s.config.num_replicas)).toEqual([3, 3, 3]);
    const varz = (await (await fetch(`${stack.cluster.servers[0]!.monitorUrl}/varz`)).json()) as {
      max_payload: number;
    };
    expect(varz.max_payload).toBe(2 * 1024 * 1024); // the node runs deploy/nats/cluster.conf

    // The INBOUND stream's leader is the node whose loss hurts most: ingress publishes to it.
    const leader = streamsBefore[0]!.cluster!.leader!;
    const victim = nodeNamed(stack.cluster.servers, leader);
    let killed: Promise<void> | undefined;
    let accepted = 0;
    const posted = await mapInFlight(EVENTS, IN_FLIGHT, async (n) => {
      const result = await postUntilAccepted(ingress, n);
      if (++accepted === EVENTS / 3) killed = victim.kill();
      return result;
    });
    await killed;

    // Every POST ended in 202: the event is durable in INBOUND.
    expect(posted.filter((p) => p.status !== 202)).toEqual([]);
    const reminders = async () => {
      const { rows } = await db.query(
        "select count(*) as n, count(distinct prefill->>'appointmentTime') as d from forms.form_assignments where form_name = 'AppointmentReminder'",
      );
      return { assignments: Number(rows[0].n), bookings: Number(rows[0].d) };
    };
    try {
      await waitFor(async () => (await reminders()).assignments >= EVENTS, {
        timeoutMs: 90_000,
        what: `${EVENTS} form assignments`,
      });
      await waitFor(() => sink.byId.size >= EVENTS, {
        timeoutMs: 180_000,
        what: `${EVENTS} distinct formAssigned webhooks`,
      });
    } catch (error) {
      const seen = { ...(await reminders()), webhooks: sink.byId.size, killed: leader };
      console.error(JSON.stringify(seen), "\n", problemsOf(stack));
      throw error;
    }
    await new Promise((r) => setTimeout(r, 2_000)); // time for a late duplicate to show

    expect(await reminders()).toEqual({ assignments: EVENTS, bookings: EVENTS });
    expect(sink.byId.size).toBe(EVENTS);

    // Every replica of every scaled service did part of the work.
    const work = {
      ingress: posted.filter((p) => p.replica === 0).length,
      ingressOther: posted.filter((p) => p.replica === 1).length,
      rules: stack.replicas["rules-engine"].map((r) =>
        logLines(r.proc, '"consumer":"INBOUND/rules-engine"', '"msg":"message received"'),
      ),
      forms: stack.replicas.forms.map((r) =>
        logLines(r.proc, '"commands":"forms"', '"msg":"command received"'),
      ),
      bridge: stack.replicas["webhook-bridge"].map((r) =>
        logLines(r.proc, '"consumer":"EVENTS/', '"msg":"message received"'),
      ),
    };
    console.info(
      JSON.stringify({
        killed: leader,
        retriedPosts: posted.filter((p) => p.retries > 0).length,
        retries: posted.reduce((sum, p) => sum + p.retries, 0),
        webhookDeliveries: sink.total(),
        webhookDuplicates: sink.total() - sink.byId.size,
        work,
      }),
    );
    for (const counts of [work.rules, work.forms, work.bridge]) expect(counts).toHaveLength(2);
    expect(
      [work.ingress, work.ingressOther, ...work.rules, ...work.forms, ...work.bridge].every((c) => c > 0),
    ).toBe(true);

    // The streams kept their 3 replicas; the killed node comes back and catches up.
    await victim.restart();
    await waitFor(async () => (await storedOn(victim, "INBOUND")) === EVENTS, {
      timeoutMs: 120_000,
      what: `node ${leader} to catch up on INBOUND`,
    }).catch(async (error: unknown) => {
      // What each node holds of INBOUND (-1: no replica there), and the leader's view of the replicas.
      const held = await Promise.all(
        stack.cluster.servers.map((s) => storedOn(s, "INBOUND").catch(() => NaN)),
      );
      const info = await jsm.streams.info("INBOUND").catch(() => undefined);
      console.error(JSON.stringify({ killed: leader, held, cluster: info?.cluster }));
      throw error;
    });
    const after = await Promise.all(["INBOUND", "EVENTS", "DLQ"].map((s) => jsm.streams.info(s)));
    expect(after.map((s) => s.config.num_replicas)).toEqual([3, 3, 3]);
    expect(after[0]!.state.messages).toBe(EVENTS);
  }, 420_000);
});

/** Messages of `stream` stored on this node, from its own monitoring endpoint. */
async function storedOn(server: NatsServer, stream: string): Promise<number> {
  const jsz = (await (await fetch(`${server.monitorUrl}/jsz?accounts=true&streams=true`)).json()) as {
    account_details?: { stream_detail?: { name: string; state: { messages: number } }[] }[];
  };
  const details = jsz.account_details?.flatMap((a) => a.stream_detail ?? []) ?? [];
  return details.find((d) => d.name === stream)?.state.messages ?? -1;
}

function nodeNamed(servers: NatsServer[], name: string): NatsServer {
  // startNatsCluster names its nodes n1, n2, n3 in order.
  const server = servers[Number(name.replace(/^n/, "")) - 1];
  if (server === undefined) throw new Error(`no cluster node named ${name}`);
  return server;
}

/** POSTs booking n, alternating replicas; retries connection errors and 503 with the same key. */
async function postUntilAccepted(ingress: [Api, Api], n: number): Promise<Posted> {
  const replica = (n % 2) as 0 | 1;
  for (let retries = 0; ; retries++) {
    let status: number | undefined;
    try {
      status = (await ingress[replica].post(INBOUND_PATH, booking(n), { "idempotency-key": `bk-${n}` }))
        .status;
    } catch {
      // connection refused or reset: the client tries again, with the same Idempotency-Key
    }
    if (status !== undefined && status !== 503) return { n, replica, status, retries };
    if (retries >= 200) throw new Error(`booking ${n} not accepted after ${retries} retries`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Runs f(0) … f(count-1) with at most `limit` at once; results in order. */
async function mapInFlight<T>(count: number, limit: number, f: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await f(i);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}
