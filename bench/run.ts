/**
 * `npm run bench [-- name …]`: runs every `bench/*.bench.ts` (or those whose file name contains one
 * of the given names), each figure beside a baseline measured in the same run on the same machine.
 * Prints a table and writes the figures to bench/results/<time>.json.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Bench, BenchContext, BenchResult } from "./types.js";

const dir = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();
if (files.length === 0) {
  console.error(
    `no benchmark matches ${wanted.join(", ")}; there are: ${fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".bench.ts"))
      .join(", ")}`,
  );
  process.exit(2);
}

const scale = Number(process.env.BENCH_SCALE ?? 1);
if (!(scale > 0)) {
  console.error(`BENCH_SCALE must be a number above 0, got ${process.env.BENCH_SCALE}`);
  process.exit(2);
}
const ctx: BenchContext = {
  scale,
  count: (base, min = 1) => Math.max(min, Math.round(base * scale)),
  log: (message) => console.error(`  ${message}`),
};

const results: BenchResult[] = [];
const failures: string[] = [];
for (const file of files) {
  console.error(`bench: ${file}`);
  const started = performance.now();
  try {
    const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { bench?: Bench };
    if (typeof mod.bench !== "function") throw new Error(`${file} exports no bench function`);
    results.push(...(await mod.bench(ctx)));
  } catch (error) {
    failures.push(`${file}: ${(error as Error).stack ?? String(error)}`);
  }
  console.error(`bench: ${file} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const fmt = (n: number): string =>
  Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
const verdict = (r: BenchResult): string => {
  const parts: string[] = [];
  if (r.target !== undefined && r.ratio !== undefined) {
    const ok = r.better === "higher" ? r.ratio >= r.target : r.ratio <= r.target;
    parts.push(`${r.better === "higher" ? ">=" : "<="} ${r.target}x ${ok ? "ok" : "MISSED"}`);
  }
  if (r.limit !== undefined) {
    const ok = r.better === "higher" ? r.value >= r.limit : r.value <= r.limit;
    parts.push(`${r.better === "higher" ? ">=" : "<="} ${r.limit} ${r.unit} ${ok ? "ok" : "MISSED"}`);
  }
  return parts.join(", ");
};

const header = ["benchmark", "value", "baseline (same run)", "ratio", "target"];
const table: (string[] | string)[] = [];
let group = "";
for (const r of results) {
  if (r.group !== group) {
    group = r.group;
    table.push(group);
  }
  table.push([
    `  ${r.name}`,
    `${fmt(r.value)} ${r.unit}`,
    r.baseline === undefined ? "" : `${r.baselineName}: ${fmt(r.baseline)} ${r.unit}`,
    r.ratio === undefined ? "" : `${r.ratio.toFixed(2)}x`,
    verdict(r),
  ]);
}
const rows = table.filter((r): r is string[] => Array.isArray(r));
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) =>
  cells
    .map((c, i) => c.padEnd(widths[i]!))
    .join("  ")
    .trimEnd();
console.log(line(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const row of table) console.log(typeof row === "string" ? row : line(row));
for (const r of results.filter((r) => r.note)) console.log(`note: ${r.group} / ${r.name}: ${r.note}`);

const outDir = path.join(dir, "results");
fs.mkdirSync(outDir, { recursive: true });
const file = path.join(outDir, `${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
const machine = {
  cpus: os.cpus().length,
  cpu: os.cpus()[0]?.model,
  memory: os.totalmem(),
  node: process.version,
};
fs.writeFileSync(
  file,
  JSON.stringify({ at: new Date().toISOString(), machine, scale, results, failures }, null, 2),
);
console.log(`\nwritten to ${path.relative(process.cwd(), file)}`);
if (failures.length > 0) {
  console.error(`\n${failures.length} benchmark(s) failed:\n${failures.join("\n\n")}`);
  process.exit(1);
}
