import {
  bareConsumeAck,
  bareConsumePost,
  barePost,
  DELIVERY_ENV,
  DELIVERY_IN_FLIGHT,
  DELIVERY_SERVICES,
  prepareSubscriptions,
  runDeliveryBacklog,
} from "./support/delivery-run.js";
import { startCountingSink } from "./support/sink.js";
import { withBenchStack } from "./support/stack.js";
import { medianPair, pairsNote, ratioOf, type Bench } from "./types.js";

/** Backlogs delivered, each followed by the bare loops over the same messages; the median pair is reported. */
const PAIRS = 3;

/**
 * Webhook delivery (consume from EVENTS → sign → POST to a local receiver → log the attempt → ack)
 * for one subscription, against the slower of a bare consume + ack loop over the same messages and
 * a bare undici POST loop of the same bodies to the same receiver, with the same number in flight:
 * the median of three such pairs. Each pair also measures the floor: the bare consume loop POSTing
 * each message before its ack, which no delivery that also parses, signs and logs can pass.
 */
export const bench: Bench = async (ctx) => {
  const events = ctx.count(5_000, 200);
  const sink = await startCountingSink();
  try {
    return await withBenchStack(DELIVERY_SERVICES, DELIVERY_ENV, async (stack) => {
      const org = await prepareSubscriptions(stack, sink, "delivery", 1);
      await runDeliveryBacklog(org, Math.min(2_000, events)); // warm-up: JIT, pools, connections
      const { median, all } = await medianPair(PAIRS, async () => {
        const run = await runDeliveryBacklog(org, events);
        await stack.stopServices();
        const consumeAck = await bareConsumeAck(org, run);
        const post = await barePost(org, run);
        const floor = await bareConsumePost(org, run);
        ctx.log(
          `delivery: ${run.rate.toFixed(0)}/s; bare consume+ack ${consumeAck.toFixed(0)}/s, bare POST ${post.toFixed(0)}/s; consume → POST → ack, nothing else, ${floor.toFixed(0)}/s`,
        );
        return { run: { consumeAck, post, floor }, value: run.rate, baseline: Math.min(consumeAck, post) };
      });
      const { consumeAck, post, floor } = median.run;
      const baseline = median.baseline;
      return [
        {
          group: "webhook delivery",
          name: "EVENTS → sign → POST → log attempt → ack",
          unit: "deliveries/s",
          value: median.value,
          baselineName: consumeAck < post ? "bare consume+ack" : "bare undici POST",
          baseline,
          ratio: ratioOf(median.value, baseline),
          better: "higher",
          target: 0.5,
          note: `the median of ${PAIRS} pairs, each a backlog then the bare loops (${pairsNote(all)}); ${events} planCreated events backlogged each time, 1 subscription, ${DELIVERY_IN_FLIGHT} in flight for all (SWITCHBOARD_WEBHOOK_CONCURRENCY); bare consume+ack ${consumeAck.toFixed(0)}/s, bare POST ${post.toFixed(0)}/s; receiver in the same process`,
        },
        {
          group: "webhook delivery",
          name: "the delivery floor: consume → POST → ack, nothing else",
          unit: "deliveries/s",
          value: floor,
          baselineName: "bare undici POST",
          baseline: post,
          ratio: ratioOf(floor, post),
          better: "higher",
          note: `the median pair's bare consume loop over the same messages, each message's bytes POSTed to the same receiver before its ack, ${DELIVERY_IN_FLIGHT} in flight (pairs ${all.map((p) => ratioOf(p.run.floor, p.run.post).toFixed(2)).join(", ")}×): no parse, signature, attempt log or look-up, so what any delivery can reach here`,
        },
      ];
    });
  } finally {
    await sink.close();
  }
};
