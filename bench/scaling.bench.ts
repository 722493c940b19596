import {
  DELIVERY_ENV,
  DELIVERY_IN_FLIGHT,
  DELIVERY_SERVICES,
  prepareSubscriptions,
  runDeliveryBacklog,
} from "./support/delivery-run.js";
import {
  INGRESS_ENV,
  INGRESS_IN_FLIGHT,
  INGRESS_SERVICES,
  postAllAccepted,
  prepareIngress,
} from "./support/ingress-run.js";
import { paddedPayload, perSecond } from "./support/load.js";
import {
  addIdleRules,
  prepareRulesOrg,
  RULES_ENV,
  RULES_IN_FLIGHT,
  RULES_SERVICES,
  runEngineBacklog,
} from "./support/rules-run.js";
import { startCountingSink } from "./support/sink.js";
import { withBenchStack } from "./support/stack.js";
import { ratioOf, type Bench, type BenchContext, type BenchResult } from "./types.js";

const RULE_COUNTS = [1, 10, 100, 1_000, 10_000];
const SUBSCRIPTION_COUNTS = [1, 10, 100, 1_000];
const PAYLOAD_KB = [1, 16, 64, 256];

/**
 * How cost grows: the rules engine's per-event cost with 1 … 10,000 active rules in the org, the
 * webhook bridge's throughput with 1 … 1,000 subscriptions, and ingress with payloads of 1 … 256 KB.
 */
export const bench: Bench = async (ctx) => [
  ...(await rulesPerOrg(ctx)),
  ...(await subscriptionsPerOrg(ctx)),
  ...(await payloadSizes(ctx)),
];

/**
 * Every rule is on the same trigger as the event (the worst case for the engine's index, which
 * finds a trigger's rules in O(1) but then evaluates each of them): one matches and assigns the
 * reminder form, the others name a booking that never comes. Rules are added with the rules
 * engine's store functions between steps; that setup is timed apart and is not in the figure.
 */
async function rulesPerOrg(ctx: BenchContext): Promise<BenchResult[]> {
  const events = ctx.count(5_000, 100);
  return withBenchStack(RULES_SERVICES, RULES_ENV, async (stack) => {
    const org = await prepareRulesOrg(stack, "scaling");
    await runEngineBacklog(org, Math.min(200, events)); // warm-up
    const costs = new Map<number, number>();
    const cpu = new Map<number, number>();
    let rules = 1;
    for (const count of RULE_COUNTS) {
      if (count > rules) {
        const ms = await addIdleRules(org, rules - 1, count - 1);
        ctx.log(`scaling: ${count - rules} rules added in ${(ms / 1000).toFixed(1)} s (setup)`);
        rules = count;
      }
      const run = await runEngineBacklog(org, events);
      costs.set(count, 1000 / run.rate);
      cpu.set(count, run.cpuMsPerEvent);
      ctx.log(
        `scaling: ${count} rules: ${(1000 / run.rate).toFixed(2)} ms/event, ${run.cpuMsPerEvent.toFixed(2)} CPU ms/event`,
      );
    }
    const steps = (of: Map<number, number>) =>
      RULE_COUNTS.map((count) => ({
        name: `${count} active rules on the trigger, 1 matching`,
        value: of.get(count)!,
        ...(count > 10 ? { target: 1.2 } : {}),
      }));
    const group = "scaling: rules per org";
    return [
      ...series(
        {
          group,
          unit: "ms/event",
          better: "lower",
          baselineName: "10 rules",
          baseline: costs.get(10)!,
          note: `${events} events per step, ${RULES_IN_FLIGHT} in flight; per-event cost = 1 / throughput from the first rule run recorded to the last; rules that do not match are on the event's own trigger (rules on other triggers are not looked at at all)`,
        },
        steps(costs),
      ),
      ...series(
        {
          group,
          unit: "CPU ms/event",
          better: "lower",
          baselineName: "10 rules",
          baseline: cpu.get(10)!,
          note: "CPU time of the process running every service (tenancy, plans, forms, rules-engine) per event, from the first rule run recorded to the last: what the rules cost the engine, with less of the machine's noise than wall time",
        },
        steps(cpu),
      ),
    ];
  });
}

/** One org per count, each subscription to a path of its own on one local receiver. */
async function subscriptionsPerOrg(ctx: BenchContext): Promise<BenchResult[]> {
  const deliveries = ctx.count(4_000, 200);
  const sink = await startCountingSink();
  try {
    return await withBenchStack(DELIVERY_SERVICES, DELIVERY_ENV, async (stack) => {
      const rates = new Map<number, number>();
      for (const count of SUBSCRIPTION_COUNTS) {
        if (stack.app === undefined) await stack.startServices();
        const started = performance.now();
        const org = await prepareSubscriptions(stack, sink, `subs${count}`, count);
        ctx.log(
          `scaling: ${count} subscriptions created in ${((performance.now() - started) / 1000).toFixed(1)} s (setup)`,
        );
        const run = await runDeliveryBacklog(org, Math.max(2, Math.ceil(deliveries / count)));
        rates.set(count, run.rate);
        ctx.log(`scaling: ${count} subscriptions: ${run.rate.toFixed(0)} deliveries/s`);
      }
      return series(
        {
          group: "scaling: webhook subscriptions per org",
          unit: "deliveries/s",
          better: "higher",
          baselineName: "1 subscription",
          baseline: rates.get(1)!,
          note: `about ${deliveries} deliveries per step (events × subscriptions), ${DELIVERY_IN_FLIGHT} in flight per subscription, one bridge replica; throughput of the whole set from the first delivery to the last`,
        },
        SUBSCRIPTION_COUNTS.map((count) => ({
          name: `${count} subscription${count === 1 ? "" : "s"} to planCreated`,
          value: rates.get(count)!,
        })),
      );
    });
  } finally {
    await sink.close();
  }
}

/** Payloads of 1 … 256 KB POSTed to ingress (validated, published, PubAck, 202). */
async function payloadSizes(ctx: BenchContext): Promise<BenchResult[]> {
  return withBenchStack(INGRESS_SERVICES, INGRESS_ENV, async (stack) => {
    const definition = {
      name: "bulk.document",
      description: "a document of any size",
      schema: {
        type: "object",
        properties: { id: { type: "string" }, data: { type: "string" } },
        required: ["id", "data"],
        additionalProperties: false,
      },
    };
    const target = await prepareIngress(stack, "payloads", definition, paddedPayload(1024, 0));
    const rows: { kb: number; events: number; mbps: number; eps: number }[] = [];
    for (const kb of PAYLOAD_KB) {
      // The same bytes per size (64 MB at scale 1), at most 4,000 events.
      const events = ctx.count(Math.min(4_000, (64 * 1024) / kb), 20);
      const payloads = Array.from({ length: events }, (_, i) => paddedPayload(kb * 1024, i));
      await postAllAccepted(target, payloads.slice(0, Math.min(50, events)), `warm-${kb}`);
      const ms = await postAllAccepted(target, payloads, `size-${kb}`);
      const eps = perSecond(events, ms);
      rows.push({ kb, events, eps, mbps: (eps * kb) / 1024 });
      ctx.log(`scaling: ${kb} KB: ${eps.toFixed(0)} events/s`);
    }
    const group = "scaling: payload size through ingress";
    const note = `POST → validate → publish → PubAck → 202, ${INGRESS_IN_FLIGHT} in flight; 64 MB per size at scale 1 (at most 4,000 events)`;
    const base = rows[0]!;
    return [
      ...series(
        { group, unit: "MB/s", better: "higher", baselineName: "1 KB", baseline: base.mbps },
        rows.map((r) => ({ name: `${r.kb} KB payloads`, value: r.mbps })),
      ),
      ...series(
        { group, unit: "events/s", better: "higher", baselineName: "1 KB", baseline: base.eps, note },
        rows.map((r) => ({ name: `${r.kb} KB payloads`, value: r.eps })),
      ),
    ];
  });
}

/** One figure per step of a series, each against the same baseline step; the note goes on the last. */
function series(
  s: {
    group: string;
    unit: string;
    better: "higher" | "lower";
    baselineName: string;
    baseline: number;
    note?: string;
  },
  steps: { name: string; value: number; target?: number }[],
): BenchResult[] {
  return steps.map((step, i) => ({
    group: s.group,
    name: step.name,
    unit: s.unit,
    value: step.value,
    baselineName: s.baselineName,
    baseline: s.baseline,
    ratio: ratioOf(step.value, s.baseline),
    better: s.better,
    ...(step.target === undefined ? {} : { target: step.target }),
    ...(i === steps.length - 1 && s.note !== undefined ? { note: s.note } : {}),
  }));
}
