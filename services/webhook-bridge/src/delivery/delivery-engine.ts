import { streamNames } from "@switchboard/bus";
import { ConflictError } from "@switchboard/errors";
import type { DomainParts, ServiceContext } from "@switchboard/runtime";
import type { Keyring } from "@switchboard/secrets";
import { createDeliveryPools, createDestinationCache, type Resolve } from "@switchboard/webhooks";
import type { DeliveryControl } from "../contracts.js";
import type { Sweeps } from "@switchboard/runtime";
import { AttemptLog } from "./attempt-log.js";
import { startAttemptRetention } from "./attempt-retention.js";
import { announceChange, type SubscriptionChange } from "./change-notification.js";
import { watchSubscriptionChanges, type ChangeWatcher } from "./change-watcher.js";
import { DeliveryCounters } from "./delivery-counters.js";
import type { DeliveryRuntime } from "./delivery-runtime.js";
import { endpointDisabler } from "./endpoint-disabler.js";
import { FailingClock } from "./failing-clock.js";
import { RateLimits } from "./rate-limits.js";
import { findReplayEvents } from "./replay-finder.js";
import { Replayer } from "./replayer.js";
import { deliverOnce } from "./single-delivery.js";
import {
  deleteSubscriptionConsumer,
  ensureSubscriptionConsumer,
  type ConsumerSettings,
} from "./subscription-consumer.js";
import { subscriptionLoopFactory } from "./subscription-loop-factory.js";
import { SubscriptionLoops } from "./subscription-loops.js";
import { SubscriptionSync } from "./subscription-sync.js";
import { testEvent } from "./test-event.js";
import type { WebhookBridgeDB } from "../webhook-bridge.tables.js";

export interface DeliveryEngineDeps {
  /** Opens the subscriptions' sealed secrets. */
  keyring: Keyring;
  /** Full reload of the enabled subscriptions, the safety net for lost notifications. Default 30 s. */
  resyncMs?: number;
  /** The consumers' ack wait: how soon a crashed replica's messages come again. Default 10 s. */
  ackWaitMs?: number;
  /** How long one pull waits for messages; bounds how long stopping a loop takes. Default 5 s. */
  pullExpiresMs?: number;
  /** How long a message waits when its subscription was disabled while delivering it. Default 60 s. */
  parkedRedeliveryMs?: number;
  /** How often old attempts are deleted. Default hourly (or the retention, if shorter). */
  retentionSweepMs?: number;
  /** Host name resolution for deliveries; the system resolver when absent. */
  resolve?: Resolve;
}

export interface DeliveryEngine extends DeliveryControl {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Attempts by kind and outcome since start, in this replica (`delivery:delivered`, `delivery:skipped`, …). */
  counts(): Record<string, number>;
  /** Subscriptions this replica pulls for. */
  runningLoops(): number;
}

type EngineParts = Pick<DomainParts<WebhookBridgeDB>, "db" | "source" | "eventsWritten">;

/**
 * The delivery side of the webhook bridge: one durable consumer on EVENTS per subscription, pulled
 * by every replica while the subscription is enabled; each message one signed attempt, logged;
 * retries on the subscription's schedule, then the dead-letter queue.
 */
export function createDeliveryEngine(
  ctx: ServiceContext,
  parts: EngineParts,
  deps: DeliveryEngineDeps,
): DeliveryEngine {
  const { config, nc } = ctx;
  const logger = ctx.logger.child({ component: "webhook-delivery" });
  const now = parts.source.now;
  const settings: ConsumerSettings = {
    namespace: config.namespace,
    stream: streamNames(config.streamPrefix).events,
    ackWaitMs: deps.ackWaitMs ?? 10_000,
    concurrency: config.webhookConcurrency,
    bytesInFlight: config.webhookBytesInFlight,
  };
  const stopping = new AbortController();
  const announce = (change: SubscriptionChange): void => announceChange(nc, config.namespace, change, logger);
  const rt: DeliveryRuntime = {
    db: parts.db,
    logger,
    now,
    allowlist: config.webhookAllowlist,
    resolve: deps.resolve,
    defaultScheduleMs: config.webhookRetryScheduleMs,
    disableAfterMs: config.webhookDisableAfterMs,
    parkedRedeliveryMs: deps.parkedRedeliveryMs ?? 60_000,
    pools: createDeliveryPools(),
    destinations: createDestinationCache(),
    rateLimits: new RateLimits(),
    counters: new DeliveryCounters(),
    attempts: new AttemptLog(parts.db),
    failing: new FailingClock(parts.db),
    stopping: stopping.signal,
    // Called by handlers, after `loops` exists.
    disable: endpointDisabler({ parts, logger, now, stopLoop: (id) => void loops.remove(id), announce }),
  };
  const loops: SubscriptionLoops = new SubscriptionLoops(
    subscriptionLoopFactory({
      nc,
      settings,
      dlqPrefix: config.streamPrefix,
      pullExpiresMs: deps.pullExpiresMs ?? 5_000,
      rt,
      current: (id) => loops.current(id),
    }),
    logger,
  );
  const sync = new SubscriptionSync({
    db: parts.db,
    keyring: deps.keyring,
    now,
    logger,
    loops,
    release: async (id) => {
      rt.rateLimits.forget(id);
      await deleteSubscriptionConsumer(nc, id, settings);
    },
  });
  const replayer = new Replayer(rt, nc, settings.stream);
  let watcher: ChangeWatcher | undefined;
  let retention: Sweeps | undefined;

  return {
    async start() {
      // Listen before loading, so a change made while the subscriptions load is not missed.
      watcher = watchSubscriptionChanges({
        nc,
        namespace: config.namespace,
        logger,
        resyncMs: deps.resyncMs ?? 30_000,
        reload: (change) => void sync.reload(change),
        resync: () => void sync.resync(),
      });
      await nc.flush();
      await sync.resync();
      retention = startAttemptRetention({
        db: parts.db,
        logger,
        now,
        retentionMs: config.webhookLogRetentionMs,
        everyMs: deps.retentionSweepMs ?? Math.min(3_600_000, config.webhookLogRetentionMs),
      });
      logger.info({ subscriptions: loops.size }, "webhook delivery started");
    },

    async stop() {
      stopping.abort(); // ends waits for rate-limit tokens
      await watcher?.stop();
      await retention?.stop();
      await sync.idle();
      await replayer.idle();
      await loops.stopAll();
      await rt.pools.close();
    },

    async subscriptionSaved(sub) {
      // Always provisioned, enabled or not: a disabled subscription's events wait in its consumer.
      await ensureSubscriptionConsumer(nc, sub, settings);
      const applied = loops.apply(sub);
      // Starting is quick; stopping waits for the open pull to run out, which the caller need not.
      if (sub.enabled) await applied;
      announce({ orgId: sub.orgId, subscriptionId: sub.id });
    },

    async subscriptionDeleted(orgId, subscriptionId) {
      announce({ orgId, subscriptionId });
      await sync.forget(subscriptionId);
    },

    sendTest: (sub) =>
      deliverOnce(rt, sub, testEvent(config.namespace, config.branch, sub, now()), "test", null),

    async replay(sub, range) {
      if (!sub.enabled)
        throw new ConflictError("the subscription is disabled; enable it before replaying events to it");
      const source = { nc, db: parts.db, namespace: config.namespace, stream: settings.stream, now };
      const seqs = await findReplayEvents(source, sub, range);
      replayer.start(sub, seqs);
      return { replayed: seqs.length };
    },

    counts: () => rt.counters.snapshot(),
    runningLoops: () => loops.size,
  };
}
