import { closedLoop } from "./support/event-load.js";
import { deliveryNote, measureBoth, runPath, versusNodeRed } from "./support/path-targets.js";
import type { Bench } from "./types.js";

const GROUP = "whole path vs Node-RED";
// Requests in flight at once, the same for both systems.
const CONCURRENCY = 32;

/**
 * HTTP in → filter → webhook out, at the most each system takes: a closed loop of 32 requests in
 * flight, half of the events passing the filter, measured at the sink (delivered events per second,
 * and the time from sending an event to its arrival). Switchboard runs as one process per service
 * (tenancy, rules-engine, ingress, webhook-bridge) on nats-server (file store) and PostgreSQL:
 * ingress → INBOUND → rule (its condition is the filter) → emit → outbox → EVENTS → webhook.
 * Node-RED 4 runs http in → switch → http request → http response in one process.
 */
export const bench: Bench = async (ctx) => {
  const sizes = { warmup: ctx.count(1_000, 100), count: ctx.count(10_000, 400) };
  const { switchboard: sb, nodeRed: nr } = await measureBoth((target) => {
    ctx.log(`whole path, closed loop: ${target.label}, ${sizes.count} events`);
    return runPath(target, { run: "closed", ...sizes }, async (sender, events) => ({
      started: await closedLoop(sender, events, CONCURRENCY),
    }));
  });
  ctx.log(`Switchboard: ${deliveryNote(sb)}`);
  ctx.log(`Node-RED: ${deliveryNote(nr)}`);
  const ms = { group: GROUP, unit: "ms", better: "lower" } as const;
  return [
    versusNodeRed(
      {
        group: GROUP,
        name: `delivered events/s, ${CONCURRENCY} in flight, half filtered out`,
        unit: "events/s",
        better: "higher",
        target: 1.0,
        note: `Switchboard: ${deliveryNote(sb)}. Node-RED: ${deliveryNote(nr)}`,
      },
      sb.figures.throughput,
      nr.figures.throughput,
    ),
    versusNodeRed({ ...ms, name: "p50 send → sink" }, sb.figures.p50Ms, nr.figures.p50Ms),
    versusNodeRed(
      {
        ...ms,
        name: "p99 send → sink",
        note: "closed loop: Switchboard answers 202 once an event is stored, so senders can outrun delivery and its latency then includes the backlog; Node-RED answers after its webhook call",
      },
      sb.figures.p99Ms,
      nr.figures.p99Ms,
    ),
  ];
};
