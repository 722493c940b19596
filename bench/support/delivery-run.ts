import { Pool } from "undici";
import { streamNames } from "@switchboard/bus";
import { buildEvent, eventSubject } from "@switchboard/events";
import type { Api } from "@switchboard/testing";
import { bareConsume, publishAll } from "./jetstream.js";
import { perSecond, runInFlight, waitForCount } from "./load.js";
import type { CountingSink } from "./sink.js";
import { createOrg, expectStatus, type BenchStack } from "./stack.js";

/**
 * Deliveries in flight per subscription (SWITCHBOARD_WEBHOOK_CONCURRENCY, its default), and in the
 * bare loops.
 */
export const DELIVERY_IN_FLIGHT = 64;
export const DELIVERY_SERVICES = ["tenancy", "webhook-bridge"];
export const DELIVERY_ENV = {
  SWITCHBOARD_WEBHOOK_ALLOWLIST: "127.0.0.1",
  SWITCHBOARD_WEBHOOK_CONCURRENCY: String(DELIVERY_IN_FLIGHT),
};

export interface DeliveryOrg {
  stack: BenchStack;
  orgId: string;
  cm: Api;
  sink: CountingSink;
  subscriptions: number;
}

/** An org with `count` subscriptions to planCreated, each to a path of its own on the sink. */
export async function prepareSubscriptions(
  stack: BenchStack,
  sink: CountingSink,
  orgId: string,
  count: number,
): Promise<DeliveryOrg> {
  const cm = await createOrg(stack, orgId, ["content-manager"]);
  await runInFlight(count, 8, async (i) =>
    expectStatus(
      await cm.post(`/v1/orgs/${orgId}/webhooks`, {
        url: `${sink.url}/${orgId}/${i}`,
        eventTypes: ["planCreated"],
      }),
      201,
      "subscribe",
    ),
  );
  return { stack, orgId, cm, sink, subscriptions: count };
}

/** planCreated events of the org, as the plans service's outbox publishes them; `bytes` pads `info`. */
export function planCreatedEvents(orgId: string, count: number, from = 0) {
  return Array.from({ length: count }, (_, k) =>
    buildEvent({
      namespace: "switchboard",
      orgId,
      eventType: "planCreated",
      requestedBy: "bench",
      branch: "master",
      info: {
        planId: "242b7766-ac9e-451f-9fe4-dd54489108c1",
        templateName: "maternity-care",
        userId: `user-${from + k}`,
        isTest: false,
        roleAssignments: [{ roleId: "Patient", userId: `user-${from + k}` }],
      },
    }),
  );
}

export interface DeliveryRun {
  deliveries: number;
  /** Deliveries per second at the sink, from the first to the last. */
  rate: number;
  firstSeq: number;
  bodies: string[];
}

/**
 * With the services stopped, publishes `events` planCreated events to EVENTS; starts the services
 * and waits until the sink has had every (subscription, event) once. Every delivery is signed,
 * POSTed, logged in PostgreSQL and acked by the bridge.
 */
export async function runDeliveryBacklog(org: DeliveryOrg, events: number): Promise<DeliveryRun> {
  const { stack, sink, orgId } = org;
  const built = planCreatedEvents(orgId, events);
  const subject = eventSubject("switchboard", orgId, "planCreated");
  const bodies = built.map((e) => JSON.stringify(e));
  await stack.stopServices();
  const { firstSeq } = await publishAll(
    stack.nats.url,
    built.map((e, i) => ({ subject, data: Buffer.from(bodies[i]!), msgId: e.messageId })),
    256,
  );
  const deliveries = events * org.subscriptions;
  sink.reset();
  await stack.startServices();
  await waitForCount(async () => sink.delivered, deliveries, "webhook deliveries");
  const { first, last } = sink.window();
  return { deliveries, rate: perSecond(deliveries - 1, last - first), firstSeq, bodies };
}

/** Bare baseline 1: a consume + ack loop over the same messages, DELIVERY_IN_FLIGHT at once. */
export async function bareConsumeAck(org: DeliveryOrg, run: DeliveryRun): Promise<number> {
  const ms = await bareConsume(org.stack.nats.url, runMessages(org, run), async () => {});
  return perSecond(run.bodies.length, ms);
}

/** The backlog's messages in EVENTS, for a bare consume loop. */
function runMessages(org: DeliveryOrg, run: DeliveryRun) {
  return {
    stream: streamNames("").events,
    filter: eventSubject("switchboard", org.orgId, "planCreated"),
    startSeq: run.firstSeq,
    count: run.bodies.length,
    inFlight: DELIVERY_IN_FLIGHT,
  };
}

/** Bare baseline 2: the same bodies POSTed to the same sink with undici, DELIVERY_IN_FLIGHT at once. */
export function barePost(org: DeliveryOrg, run: DeliveryRun): Promise<number> {
  return withSinkPool(org, async (post) => {
    const ms = await runInFlight(run.bodies.length, DELIVERY_IN_FLIGHT, (i) =>
      post(`bare-${i}`, run.bodies[i]!),
    );
    return perSecond(run.bodies.length, ms);
  });
}

/**
 * The floor of any delivery here: the bare consume loop over the same messages, each message's
 * bytes POSTed to the same sink with undici before its ack, DELIVERY_IN_FLIGHT at once. No parse,
 * signature, attempt log or look-up: what a delivery that does nothing else reaches.
 */
export function bareConsumePost(org: DeliveryOrg, run: DeliveryRun): Promise<number> {
  return withSinkPool(org, async (post) => {
    let n = 0;
    const ms = await bareConsume(org.stack.nats.url, runMessages(org, run), (data) =>
      post(`floor-${n++}`, data),
    );
    return perSecond(run.bodies.length, ms);
  });
}

/**
 * Runs `work` with a POST to the sink over an undici pool of DELIVERY_IN_FLIGHT connections, as the
 * bare loops send (answer 204 or throw), and closes the pool after.
 */
async function withSinkPool<T>(
  org: DeliveryOrg,
  work: (post: (id: string, body: string | Uint8Array) => Promise<void>) => Promise<T>,
): Promise<T> {
  const pool = new Pool(org.sink.url, { connections: DELIVERY_IN_FLIGHT });
  try {
    return await work(async (id, body) => {
      const res = await pool.request({
        method: "POST",
        path: `/bare/${org.orgId}`,
        headers: { "content-type": "application/json", "webhook-id": id },
        body,
      });
      await res.body.dump();
      if (res.statusCode !== 204) throw new Error(`the sink answered ${res.statusCode}`);
    });
  } finally {
    await pool.close();
  }
}
