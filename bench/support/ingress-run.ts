import Fastify from "fastify";
import { Pool } from "undici";
import { encodePayload } from "@switchboard/bus";
import { inboundSubject } from "@switchboard/events";
import { publishAll } from "./jetstream.js";
import { runInFlight } from "./load.js";
import { createOrg, expectStatus, type BenchStack } from "./stack.js";

/** HTTP requests (and bare PubAcks) in flight at once, for a figure and its baseline alike. */
export const INGRESS_IN_FLIGHT = 64;

/** The services ingress needs: keys (tenancy) and the declared schemas (the rules engine). */
export const INGRESS_SERVICES = ["tenancy", "rules-engine", "ingress"];
/** The per-key rate limit would otherwise be what is measured. */
export const INGRESS_ENV = { SWITCHBOARD_INGRESS_RATE_PER_SECOND: "100000" };

export interface IngressTarget {
  stack: BenchStack;
  orgId: string;
  name: string;
  /** An API key with the integration role. */
  key: string;
}

/**
 * An org with one declared inbound event and an integration key. The rules engine is stopped once
 * the declaration is in ingress's cache, so nothing consumes INBOUND while ingress is measured,
 * as nothing does in the bare baseline.
 */
export async function prepareIngress(
  stack: BenchStack,
  orgId: string,
  definition: { name: string; [field: string]: unknown },
  sample: unknown,
): Promise<IngressTarget> {
  const client = await createOrg(stack, orgId, ["content-manager", "integration"]);
  const { name, ...body } = definition;
  expectStatus(await client.put(`/v1/orgs/${orgId}/inbound-events/${name}`, body), 201, `declare ${name}`);
  const created = await stack.admin.post(`/v1/orgs/${orgId}/api-keys`, {
    name: "ingest",
    roles: ["integration"],
  });
  expectStatus(created, 201, "create an ingest key");
  const target = { stack, orgId, name, key: created.body.key as string };
  // Warm the key and declaration caches and the connections.
  const warm = await postAll(target, [JSON.stringify(sample)], "warm", 1);
  if (warm.accepted !== 1) throw new Error(`warm-up post was refused: ${warm.firstError}`);
  await stack.app!.services.find((s) => s.name === "rules-engine")?.stop();
  return target;
}

export interface Posted {
  ms: number;
  accepted: number;
  firstError?: string;
}

/**
 * POSTs each body to `url` + `path`, `inFlight` at once on an undici pool of as many connections,
 * with the headers `headersOf(i)` gives; `answered` sees each status and body text. The
 * milliseconds it took.
 */
async function postEach(
  url: string,
  path: string,
  bodies: readonly string[],
  inFlight: number,
  headersOf: (i: number) => Record<string, string>,
  answered: (status: number, text: string) => void,
): Promise<number> {
  const pool = new Pool(url, { connections: inFlight, pipelining: 1 });
  try {
    return await runInFlight(bodies.length, inFlight, async (i) => {
      const res = await pool.request({ method: "POST", path, headers: headersOf(i), body: bodies[i] });
      answered(res.statusCode, await res.body.text());
    });
  } finally {
    await pool.close();
  }
}

const inboundPath = (target: IngressTarget) => `/v1/orgs/${target.orgId}/inbound/${target.name}`;

/** The headers of one event's POST: a bearer key, JSON and an Idempotency-Key. */
const eventHeaders = (key: string, idempotencyKey: string) => ({
  authorization: `Bearer ${key}`,
  "content-type": "application/json",
  "idempotency-key": idempotencyKey,
});

/** POSTs every body to the inbound route with an Idempotency-Key, `inFlight` at once (undici). */
export async function postAll(
  target: IngressTarget,
  bodies: string[],
  idPrefix: string,
  inFlight = INGRESS_IN_FLIGHT,
): Promise<Posted> {
  let accepted = 0;
  let firstError: string | undefined;
  const ms = await postEach(
    target.stack.url,
    inboundPath(target),
    bodies,
    inFlight,
    (i) => eventHeaders(target.key, `${idPrefix}-${i}`),
    (status, text) => {
      if (status === 202) accepted++;
      else firstError ??= `HTTP ${status} ${text.slice(0, 300)}`;
    },
  );
  return { ms, accepted, ...(firstError === undefined ? {} : { firstError }) };
}

/** The bare baseline: the same payloads published to the same subject from Node, `inFlight` PubAcks at once. */
export async function publishBare(
  target: IngressTarget,
  payloads: unknown[],
  idPrefix: string,
  inFlight = INGRESS_IN_FLIGHT,
): Promise<number> {
  const subject = inboundSubject("switchboard", target.orgId, target.name);
  const messages = payloads.map((p, i) => ({ subject, data: encodePayload(p), msgId: `${idPrefix}-${i}` }));
  return (await publishAll(target.stack.nats.url, messages, inFlight)).ms;
}

/** Posts, and throws unless every event was accepted. */
export async function postAllAccepted(target: IngressTarget, payloads: unknown[], idPrefix: string) {
  const posted = await postAll(
    target,
    payloads.map((p) => JSON.stringify(p)),
    idPrefix,
  );
  if (posted.accepted !== payloads.length) {
    throw new Error(`${payloads.length - posted.accepted} events were refused: ${posted.firstError}`);
  }
  return posted.ms;
}

/** CloudEvents per batch request, the most a batch takes. */
export const INGRESS_BATCH_SIZE = 32;
/** Batch requests in flight at once. */
export const INGRESS_BATCHES_IN_FLIGHT = 2;

/**
 * POSTs the payloads as CloudEvents batches (`application/cloudevents-batch+json`, `batchSize`
 * events each, `inFlight` requests at once); throws unless every event's result is 202.
 */
export async function postBatchesAccepted(
  target: IngressTarget,
  payloads: unknown[],
  idPrefix: string,
  batchSize = INGRESS_BATCH_SIZE,
  inFlight = INGRESS_BATCHES_IN_FLIGHT,
): Promise<number> {
  const bodies: string[] = [];
  for (let from = 0; from < payloads.length; from += batchSize)
    bodies.push(
      JSON.stringify(
        payloads.slice(from, from + batchSize).map((data, i) => ({
          specversion: "1.0",
          id: `${idPrefix}-${from + i}`,
          source: "bench",
          type: "com.example.scheduling.slot.booked",
          data,
        })),
      ),
    );
  let accepted = 0;
  let firstError: string | undefined;
  const ms = await postEach(
    target.stack.url,
    inboundPath(target),
    bodies,
    inFlight,
    () => ({ authorization: `Bearer ${target.key}`, "content-type": "application/cloudevents-batch+json" }),
    (status, text) => {
      if (status !== 200) {
        firstError ??= `HTTP ${status} ${text.slice(0, 300)}`;
        return;
      }
      for (const r of (JSON.parse(text) as { results: { status: number; detail?: string }[] }).results) {
        if (r.status === 202) accepted++;
        else firstError ??= `event status ${r.status} ${r.detail ?? ""}`;
      }
    },
  );
  if (accepted !== payloads.length)
    throw new Error(`${payloads.length - accepted} events were refused: ${firstError}`);
  return ms;
}

/**
 * The HTTP floor: the same requests (body, headers, `inFlight` on an undici pool) to a bare Fastify
 * route in this process that parses the JSON body and answers 202, doing nothing else. The
 * milliseconds it took.
 */
export async function postToBareRoute(
  payloads: unknown[],
  idPrefix: string,
  inFlight = INGRESS_IN_FLIGHT,
): Promise<number> {
  const app = Fastify({ logger: false });
  let received = 0;
  app.post("/v1/orgs/:org/inbound/:name", async (request, reply) => {
    if (typeof request.body === "object" && request.body !== null) received++;
    return reply.code(202).send({ messageId: request.headers["idempotency-key"], duplicate: false });
  });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  try {
    let refused: number | undefined;
    const ms = await postEach(
      url,
      "/v1/orgs/bench/inbound/bench.event",
      payloads.map((p) => JSON.stringify(p)),
      inFlight,
      (i) => eventHeaders("bare", `${idPrefix}-${i}`),
      (status) => {
        if (status !== 202) refused ??= status;
      },
    );
    if (refused !== undefined) throw new Error(`the bare route answered ${refused}`);
    if (received !== payloads.length)
      throw new Error(`the bare route parsed ${received} of ${payloads.length} bodies`);
    return ms;
  } finally {
    await app.close();
  }
}
