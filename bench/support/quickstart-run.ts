import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "@switchboard/db";
import { createLogger } from "@switchboard/logger";
import { startLocalPostgres, type PostgresBinaries } from "@switchboard/switchboard";
import { runEntryPoint } from "../../test/support/process.js";
import { EventSender, openLoop, percentile, testEvent } from "./event-load.js";
import { startLatencySink } from "./latency-sink.js";
import { residentMiB } from "./process-memory.js";
import {
  ADMIN,
  configure,
  INBOUND_NAME,
  ORG,
  PATH_SERVICES,
  type PathService,
} from "./switchboard-services.js";

/** What one `npm start` did under a steady load. */
export interface QuickstartRun {
  /** The banner's store line. */
  store: string;
  /** Seconds from spawning `npm start` to its banner. */
  startSeconds: number;
  sent: number;
  /** Events answered 202, and of those the ones the rule passes on to the webhook. */
  accepted: number;
  acceptedMatching: number;
  /** Accepted matching events that reached the sink (each counted once). */
  delivered: number;
  /** Seconds from the last send to the last delivery (or to giving up). */
  drainSeconds: number;
  p50Ms: number;
  p99Ms: number;
  /** RSS of the npm start process, MiB: median of the first and of the last quarter of the load, peak. */
  rss: { early: number; late: number; peak: number };
}

const idOf = (body: any): unknown => body?.info?.id;

/**
 * Runs `npm start` with nothing configured but a fresh data dir, sets up the whole path (inbound event → rule
 * that emits → webhook to a local sink) and sends `count` events at `rate`/s; waits up to
 * `drainSeconds` after the last send for every accepted matching event to arrive.
 */
export async function runQuickstart(opts: {
  rate: number;
  count: number;
  maxDrainSeconds: number;
  /**
   * What the data dir holds before: a PGlite store an earlier version made (kept in use), or a
   * server's data made by these binaries (reopened with them).
   */
  made?: "pglite" | PostgresBinaries;
}): Promise<QuickstartRun> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-quickstart-"));
  await prepare(dataDir, opts.made);
  const sink = await startLatencySink(idOf);
  const spawned = performance.now();
  const proc = runEntryPoint("services/switchboard/src/main.ts", {
    SWITCHBOARD_DATA_DIR: dataDir,
    NATS_URL: "",
    DATABASE_URL: "",
    PORT: "0",
    HOST: "127.0.0.1",
    SWITCHBOARD_ADMIN_KEY: ADMIN,
    SWITCHBOARD_WEBHOOK_ALLOWLIST: "127.0.0.1",
  });
  try {
    const [, url] = await proc.waitForOutput(/HTTP\s+(http:\/\/\S+)/, 120_000);
    const [, store] = await proc.waitForOutput(/store {2}(.+)/);
    const startSeconds = (performance.now() - spawned) / 1000;
    const urls = Object.fromEntries(PATH_SERVICES.map((name) => [name, url!])) as Record<PathService, string>;
    const key = await configure(urls, sink.url);
    const sender = new EventSender(
      {
        url: `${url}/v1/orgs/${ORG}/inbound/${INBOUND_NAME}`,
        headers: { authorization: `Bearer ${key}` },
        headersOf: (e) => ({ "idempotency-key": e.id }),
        okStatus: 202,
      },
      64,
    );
    const events = Array.from({ length: opts.count }, (_, i) => testEvent("quickstart", i));
    const rss: number[] = [];
    const sample = () => rss.push(residentMiB(proc.child.pid!) ?? Number.NaN);
    await openLoop(sender, events, opts.rate, sample);
    sender.close();
    const loadEnded = performance.now();
    const accepted = events.filter((e) => sender.statuses.get(e.id) === 202);
    const matching = accepted.filter((e) => e.match);
    const deadline = loadEnded + opts.maxDrainSeconds * 1000;
    const arrived = () => matching.filter((e) => sink.arrivedAt(e.id) !== undefined).length;
    while (arrived() < matching.length && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const latencies = matching
      .map((e) => (sink.arrivedAt(e.id) ?? Number.NaN) - sender.sentAt.get(e.id)!)
      .filter((ms) => !Number.isNaN(ms))
      .sort((a, b) => a - b);
    const quarter = Math.max(1, Math.floor(rss.length / 4));
    const median = (xs: number[]) =>
      percentile(
        [...xs].sort((a, b) => a - b),
        0.5,
      );
    return {
      store: store!,
      startSeconds,
      sent: events.length,
      accepted: accepted.length,
      acceptedMatching: matching.length,
      delivered: latencies.length,
      drainSeconds: (Math.max(loadEnded, sink.lastArrival) - loadEnded) / 1000,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      rss: {
        early: median(rss.slice(0, quarter)),
        late: median(rss.slice(-quarter)),
        peak: Math.max(...rss),
      },
    };
  } finally {
    await proc.stop("SIGTERM");
    await sink.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function prepare(dataDir: string, made: "pglite" | PostgresBinaries | undefined): Promise<void> {
  if (made === "pglite") await (await openDatabase({ pgliteDir: path.join(dataDir, "pgdata") })).close();
  else if (made !== undefined)
    await (await startLocalPostgres(dataDir, made, createLogger({ level: "silent" }))).stop();
}
