import { booking, slotBookedDefinition } from "../test/support/examples.js";
import {
  INGRESS_ENV,
  INGRESS_BATCH_SIZE,
  INGRESS_BATCHES_IN_FLIGHT,
  INGRESS_IN_FLIGHT,
  INGRESS_SERVICES,
  postAllAccepted,
  postBatchesAccepted,
  postToBareRoute,
  prepareIngress,
  publishBare,
} from "./support/ingress-run.js";
import { perSecond } from "./support/load.js";
import { withBenchStack } from "./support/stack.js";
import { ratioOf, type Bench } from "./types.js";

/**
 * HTTP ingress (POST /v1/orgs/{org}/inbound/{name} with Idempotency-Key → schema validation →
 * JetStream PubAck → 202) against bare JetStream publishes of the same payloads from Node, with
 * the same number in flight.
 */
export const bench: Bench = async (ctx) => {
  const events = ctx.count(20_000, 500);
  return withBenchStack(INGRESS_SERVICES, INGRESS_ENV, async (stack) => {
    const { name, ...definition } = slotBookedDefinition();
    const target = await prepareIngress(stack, "ingress", { name, ...definition }, booking(0));
    const payloads = Array.from({ length: events }, (_, i) => booking(i, `pat-${i % 100}`));
    // A short warm-up of both paths (JIT, connections), then the measured runs.
    const warm = payloads.slice(0, Math.min(1_000, events));
    await publishBare(target, warm, "bare-warm");
    await postAllAccepted(target, warm, "http-warm");
    await postBatchesAccepted(target, warm, "batch-warm");
    await postToBareRoute(warm, "floor-warm");
    const bare = perSecond(events, await publishBare(target, payloads, "bare"));
    const http = perSecond(events, await postAllAccepted(target, payloads, "http"));
    const batched = perSecond(events, await postBatchesAccepted(target, payloads, "batch"));
    const floor = perSecond(events, await postToBareRoute(payloads, "floor"));
    ctx.log(
      `ingress: ${http.toFixed(0)} events/s over HTTP, ${batched.toFixed(0)} in CloudEvents batches, ${bare.toFixed(0)} bare; a bare Fastify route answers ${floor.toFixed(0)}/s`,
    );
    return [
      {
        group: "ingress",
        name: "POST inbound event → validate → PubAck → 202",
        unit: "events/s",
        value: http,
        baselineName: "bare JetStream publish",
        baseline: bare,
        ratio: ratioOf(http, bare),
        better: "higher",
        target: 0.5,
        note: `${events} events of ${JSON.stringify(payloads[0]).length} bytes, ${INGRESS_IN_FLIGHT} in flight for both (undici pool of ${INGRESS_IN_FLIGHT} connections; bare: ${INGRESS_IN_FLIGHT} PubAcks awaited); load generator in the same process as the service`,
      },
      {
        group: "ingress",
        name: "the HTTP floor: POST to a bare Fastify route → 202",
        unit: "requests/s",
        value: floor,
        baselineName: "bare JetStream publish",
        baseline: bare,
        ratio: ratioOf(floor, bare),
        better: "higher",
        note: `the same ${events} bodies and headers, ${INGRESS_IN_FLIGHT} in flight on the same kind of undici pool, to a Fastify route in this process that parses the JSON body and answers 202, nothing else: what one event per HTTP request can reach here`,
      },
      {
        group: "ingress",
        name: "POST CloudEvents batch → validate each → PubAcks → 200",
        unit: "events/s",
        value: batched,
        baselineName: "bare JetStream publish",
        baseline: bare,
        ratio: ratioOf(batched, bare),
        better: "higher",
        note: `the same ${events} events as CloudEvents batches of ${INGRESS_BATCH_SIZE}, ${INGRESS_BATCHES_IN_FLIGHT} requests in flight (${INGRESS_BATCH_SIZE * INGRESS_BATCHES_IN_FLIGHT} events; the bare baseline has ${INGRESS_IN_FLIGHT} PubAcks in flight); each event's result must be 202`,
      },
    ];
  });
};
