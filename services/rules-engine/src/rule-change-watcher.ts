import type { Kysely } from "kysely";
import type { ServiceContext } from "@switchboard/runtime";
import { ReloadQueue } from "./reload-queue.js";
import type { RuleIndex } from "./rule-index.js";
import { parseRulesChanged, rulesChangedSubject } from "./rules-changed.js";
import type { RulesEngineDB } from "./rules-engine.tables.js";

export interface RuleChangeWatcher {
  /** Reload an org now, e.g. after a change made in this process (works while NATS is down). */
  changed(orgId: string): void;
  /** Resolves when no reload is queued or running (tests). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export interface WatchOptions {
  /** The safety net for lost notifications. */
  fullReloadMs?: number;
}

/**
 * Keeps an index current: reloads an org when a change to it is announced, everything after a
 * reconnect to NATS (notifications sent meanwhile are lost), and everything every `fullReloadMs`
 * (30 s) as a safety net. Subscribe before the first `load`, so that no change falls in between.
 */
export function watchRuleChanges(
  ctx: Pick<ServiceContext, "nc" | "config" | "logger">,
  index: RuleIndex,
  db: Kysely<RulesEngineDB>,
  options: WatchOptions = {},
): RuleChangeWatcher {
  const logger = ctx.logger.child({ component: "rule-change-watcher" });
  const queue = new ReloadQueue(
    (orgId) => index.reloadOrg(db, orgId),
    () => index.load(db),
    logger,
  );
  const subscription = ctx.nc.subscribe(rulesChangedSubject(ctx.config.namespace), {
    callback: (error, msg) => {
      if (error) return logger.warn({ err: error }, "rules change subscription failed");
      const orgId = parseRulesChanged(msg.data);
      if (orgId === undefined)
        return logger.warn({ subject: msg.subject }, "malformed rules change notification ignored");
      queue.org(orgId);
    },
  });
  const timer = setInterval(() => queue.all(), options.fullReloadMs ?? 30_000);
  timer.unref();
  let stopped: Promise<void> | undefined;
  reloadOnReconnect(ctx.nc, queue, () => stopped !== undefined).catch((error: unknown) =>
    logger.warn({ err: error }, "NATS status watch for rules reloads ended"),
  );
  return {
    changed: (orgId) => queue.org(orgId),
    idle: () => queue.idle(),
    stop: () =>
      (stopped ??= (async () => {
        clearInterval(timer);
        if (!ctx.nc.isClosed() && !subscription.isClosed()) await subscription.drain();
        await queue.idle();
      })()),
  };
}

/** Ends with the connection, or at the first status after `stop()`. */
async function reloadOnReconnect(
  nc: ServiceContext["nc"],
  queue: ReloadQueue,
  stopped: () => boolean,
): Promise<void> {
  for await (const status of nc.status()) {
    if (stopped()) return;
    if (status.type === "reconnect") queue.all();
  }
}
