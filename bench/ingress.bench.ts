import { booking, slotBookedDefinition } from "../test/support/examples.js";
import {
  INGRESS_ENV,
  INGRESS_IN_FLIGHT,
  INGRESS_SERVICES,
  postAllAccepted,
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
    const bare = perSecond(events, await publishBare(target, payloads, "bare"));
    const http = perSecond(events, await postAllAccepted(target, payloads, "http"));
    ctx.log(`ingress: ${http.toFixed(0)} events/s over HTTP, ${bare.toFixed(0)} bare`);
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
    ];
  });
};
