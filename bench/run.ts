/**
 * `npm run bench`: each figure beside a baseline measured in the same run on the same machine.
 * Writes the table to stdout and the figures to bench/results/<time>.json.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabase, startNatsServer } from "@switchboard/testing";
import { benchOutboxRelay } from "./outbox-relay.bench.js";

export interface BenchResult {
  name: string;
  unit: string;
  value: number;
  baselineName: string;
  baseline: number;
  /** value / baseline, for throughput (higher is better). */
  ratio: number;
  target?: number;
}

const nats = await startNatsServer();
const database = await createTestDatabase("sb_bench");
const results: BenchResult[] = [];
try {
  results.push(
    ...(await benchOutboxRelay({
      natsUrl: nats.url,
      databaseUrl: database.url,
      events: Number(process.env.BENCH_EVENTS ?? 10_000),
    })),
  );
} finally {
  await database.drop();
  await nats.close();
}

const rows = results.map((r) => [
  r.name,
  `${r.value.toFixed(0)} ${r.unit}`,
  `${r.baselineName}: ${r.baseline.toFixed(0)} ${r.unit}`,
  `${r.ratio.toFixed(2)}x`,
  r.target === undefined ? "" : r.ratio >= r.target ? `>= ${r.target} ok` : `< ${r.target} MISSED`,
]);
const header = ["benchmark", "value", "baseline (same run)", "ratio", "target"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
console.log(line(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const row of rows) console.log(line(row));

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "results");
fs.mkdirSync(dir, { recursive: true });
const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
fs.writeFileSync(
  file,
  JSON.stringify({ at: new Date().toISOString(), node: process.version, results }, null, 2),
);
console.log(`\nwritten to ${path.relative(process.cwd(), file)}`);
