import {
  bareConsumeInsert,
  prepareRulesOrg,
  RULES_ENV,
  RULES_IN_FLIGHT,
  RULES_SERVICES,
  runEngineBacklog,
} from "./support/rules-run.js";
import { withBenchStack } from "./support/stack.js";
import { medianPair, pairsNote, ratioOf, type Bench } from "./types.js";

/** Backlogs measured, each followed by the bare loop over the same messages; the median pair is reported. */
const PAIRS = 3;

/**
 * The rules engine (consume from INBOUND → validate → dedup claim → rules → assignForm command to
 * the forms service → record the run → ack) against a bare consume → one INSERT → ack loop over the
 * same messages, with the same number in flight: the median of three such pairs.
 */
export const bench: Bench = async (ctx) => {
  const events = ctx.count(5_000, 200);
  return withBenchStack(RULES_SERVICES, RULES_ENV, async (stack) => {
    const org = await prepareRulesOrg(stack, "rules");
    await runEngineBacklog(org, Math.min(1_000, events)); // warm-up: JIT, pools, caches, plans
    const { median, all } = await medianPair(PAIRS, async () => {
      const run = await runEngineBacklog(org, events);
      await stack.stopServices();
      const bare = await bareConsumeInsert(org, run);
      ctx.log(
        `rules engine: ${run.rate.toFixed(0)} events/s, bare ${bare.toFixed(0)}; ${run.cpuMsPerEvent.toFixed(3)} ms of this process's CPU per event`,
      );
      return { run, value: run.rate, baseline: bare };
    });
    const { run, baseline: bare } = median;
    return [
      {
        group: "rules engine",
        name: "INBOUND → validate → dedup → 1 rule → assignForm → record → ack",
        unit: "events/s",
        value: run.rate,
        baselineName: "bare consume → INSERT → ack",
        baseline: bare,
        ratio: ratioOf(run.rate, bare),
        better: "higher",
        target: 0.5,
        note: `the median of ${PAIRS} pairs, each a backlog then the bare loop (${pairsNote(all)}); ${events} events backlogged on INBOUND each time, counted when their rule run is recorded (first to last run); ${RULES_IN_FLIGHT} in flight for both (SWITCHBOARD_RULES_CONCURRENCY); services tenancy, plans, forms, rules-engine in one process, which spent ${run.cpuMsPerEvent.toFixed(3)} ms of CPU per event (steadier from run to run than the rates on a shared machine)`,
      },
    ];
  });
};
