import { runQuickstart, type QuickstartRun } from "./support/quickstart-run.js";
import { ratioOf, type Bench, type BenchResult } from "./types.js";

const RATE = 100;
const GROUP = `quickstart: npm start's defaults at ${RATE} events/s`;

/**
 * What a user meets first: `npm start` with nothing configured (its own nats-server and PostgreSQL
 * server in the data dir) under a steady 100 events/s POSTed to the ingress for 3 minutes
 * (× BENCH_SCALE), half of them passing a rule that emits an event to a webhook on a local sink.
 * Every accepted matching event must arrive, and the process's memory must stay flat. The baseline
 * is the same process on PGlite (what `npm start` used before, and still uses on a data dir an
 * earlier version made).
 */
export const bench: Bench = async (ctx) => {
  const count = ctx.count(RATE * 180, RATE * 10);
  const maxDrainSeconds = ctx.count(120, 20);
  const measure = async (pglite: boolean) => {
    ctx.log(
      `${pglite ? "PGlite" : "default"}: ${count} events at ${RATE}/s, then up to ${maxDrainSeconds} s to deliver`,
    );
    const run = await runQuickstart({ rate: RATE, count, maxDrainSeconds, pglite });
    ctx.log(`  ${describe(run)}`);
    return run;
  };
  const server = await measure(false);
  const pglite = await measure(true);
  const beside = (value: number, baseline: number) => ({
    value,
    baselineName: "PGlite",
    baseline,
    ratio: ratioOf(value, baseline),
  });
  const delivered = (r: QuickstartRun) => (100 * r.delivered) / r.acceptedMatching;
  const figures: BenchResult[] = [
    {
      group: GROUP,
      name: "accepted matching events delivered",
      unit: "%",
      better: "higher",
      limit: 100,
      ...beside(delivered(server), delivered(pglite)),
      note: `${describe(server)}. PGlite: ${describe(pglite)}`,
    },
    {
      group: GROUP,
      name: "accepted of sent",
      unit: "%",
      better: "higher",
      limit: 100,
      ...beside((100 * server.accepted) / server.sent, (100 * pglite.accepted) / pglite.sent),
    },
    {
      group: GROUP,
      name: "last delivery after the load stopped",
      unit: "s",
      better: "lower",
      limit: 5,
      ...beside(server.drainSeconds, pglite.drainSeconds),
    },
    {
      group: GROUP,
      name: "p99 send → sink (delivered ones)",
      unit: "ms",
      better: "lower",
      ...beside(server.p99Ms, pglite.p99Ms),
    },
    {
      group: GROUP,
      name: "RSS, last quarter of the load",
      unit: "MiB",
      better: "lower",
      ...beside(server.rss.late, pglite.rss.late),
    },
    {
      group: GROUP,
      name: "RSS growth, first to last quarter",
      unit: "MiB",
      better: "lower",
      limit: 50,
      ...beside(server.rss.late - server.rss.early, pglite.rss.late - pglite.rss.early),
    },
    {
      group: GROUP,
      name: "npm start to its banner",
      unit: "s",
      better: "lower",
      ...beside(server.startSeconds, pglite.startSeconds),
    },
  ];
  return figures;
};

function describe(r: QuickstartRun): string {
  return [
    `store ${r.store}`,
    `${r.accepted}/${r.sent} accepted`,
    `${r.delivered}/${r.acceptedMatching} matching delivered, the last ${r.drainSeconds.toFixed(1)} s after the load`,
    `p50 ${r.p50Ms.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms`,
    `RSS ${r.rss.early.toFixed(0)} → ${r.rss.late.toFixed(0)} MiB (peak ${r.rss.peak.toFixed(0)})`,
  ].join("; ");
}
