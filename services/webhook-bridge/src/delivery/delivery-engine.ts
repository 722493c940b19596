import { runConsumer, streamNames } from "@switchboard/bus";
import { ConflictError, ErrorCodes, isSwitchboardError } from "@switchboard/errors";
import type { DomainParts, ServiceContext } from "@switchboard/runtime";
import type { Keyring } from "@switchboard/secrets";
import { createDeliveryPools, type Resolve } from "@switchboard/webhooks";
import type { DeliveryControl, SubscriptionRecord } from "../contracts.js";
import { listEnabledSubscriptions, loadSubscription } from "../subscriptions/index.js";
import { startAttemptRetention, type AttemptRetention } from "./attempt-retention.js";
import { announceChange, type SubscriptionChange } from "./change-notification.js";
import { watchSubscriptionChanges, type ChangeWatcher } from "./change-watcher.js";
import { CoalescedRuns } from "./coalesced-runs.js";
import { DeliveryCounters } from "./delivery-counters.js";
import { deliveryHandler } from "./delivery-handler.js";
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
  inFlightLimit,
  loopShapeOf,
  type ConsumerSettings,
} from "./subscription-consumer.js";
import { SubscriptionLoops } from "./subscription-loops.js";
import { testEvent } from "./test-event.js";

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

/** Deliveries that threw (the database unreachable, say) come again after these waits. */
const HANDLER_FAILURE_BACKOFF_MS = [1_000, 5_000, 30_000, 60_000];

/**
 * The delivery side of the webhook bridge: one durable consumer on EVENTS per subscription, pulled
 * by every replica while the subscription is enabled; each message one signed attempt, logged;
 * retries on the subscription's schedule, then the dead-letter queue.
 */
export function createDeliveryEngine(
  ctx: ServiceContext,
  parts: Pick<DomainParts, "db" | "source" | "eventsWritten">,
  deps: DeliveryEngineDeps,
): DeliveryEngine {
  const { config, nc } = ctx;
  const logger = ctx.logger.child({ component: "webhook-delivery" });
  const db = parts.db;
  const now = parts.source.now;
  const namespace = config.namespace;
  const stream = streamNames(config.streamPrefix).events;
  const settings: ConsumerSettings = {
    namespace,
    stream,
    ackWaitMs: deps.ackWaitMs ?? 10_000,
    concurrency: config.webhookConcurrency,
  };
  const stopping = new AbortController();
  const announce = (change: SubscriptionChange): void => announceChange(nc, namespace, change, logger);

  const loops: SubscriptionLoops = new SubscriptionLoops(
    {
      prepare: (sub) => ensureSubscriptionConsumer(nc, sub, settings),
      run: (sub) =>
        runConsumer({
          nc,
          stream,
          durable: sub.id,
          namespace,
          dlqPrefix: config.streamPrefix,
          handler: deliveryHandler(rt, sub.id, (id) => loops.current(id)),
          // The handler decides when the retry schedule is exhausted and dead-letters then.
          maxDeliver: Number.MAX_SAFE_INTEGER,
          backoffMs: HANDLER_FAILURE_BACKOFF_MS,
          stage: "webhook",
          logger,
          concurrency: inFlightLimit(sub, settings),
          pullExpiresMs: deps.pullExpiresMs ?? 5_000,
        }),
      shapeOf: (sub) => loopShapeOf(sub, settings),
    },
    logger,
  );
  const rt: DeliveryRuntime = {
    db,
    logger,
    now,
    allowlist: config.webhookAllowlist,
    resolve: deps.resolve,
    defaultScheduleMs: config.webhookRetryScheduleMs,
    disableAfterMs: config.webhookDisableAfterMs,
    parkedRedeliveryMs: deps.parkedRedeliveryMs ?? 60_000,
    pools: createDeliveryPools(),
    rateLimits: new RateLimits(),
    counters: new DeliveryCounters(),
    failing: new FailingClock(db),
    stopping: stopping.signal,
    disable: endpointDisabler({ parts, logger, now, stopLoop: (id) => void loops.remove(id), announce }),
  };
  const replayer = new Replayer(rt, nc, stream);
  const reloads = new CoalescedRuns((error, key) =>
    logger.warn({ err: error, key }, "reloading webhook subscriptions failed"),
  );
  let watcher: ChangeWatcher | undefined;
  let retention: AttemptRetention | undefined;

  // A subscription whose secrets do not open cannot be signed for: it is left out (its loop stops), and said so.
  const unreadable = (subscriptionId: string, error: unknown): void =>
    logger.error(
      { err: error, subscriptionId },
      "a webhook subscription's secrets cannot be opened; it is not delivered",
    );
  const resync = (): Promise<void> =>
    reloads.request("*", async () =>
      loops.reconcile(await listEnabledSubscriptions(db, deps.keyring, now(), unreadable)),
    );

  const reload = ({ orgId, subscriptionId }: SubscriptionChange): Promise<void> =>
    reloads.request(subscriptionId, async () => {
      let sub: SubscriptionRecord;
      try {
        sub = await loadSubscription(db, deps.keyring, orgId, subscriptionId, now());
      } catch (error) {
        if (!(isSwitchboardError(error) && error.code === ErrorCodes.NotFound)) throw error;
        return forget(subscriptionId);
      }
      await loops.apply(sub);
    });

  /** A deleted subscription: its loop stops and its consumer goes (idempotent, on every replica). */
  const forget = async (subscriptionId: string): Promise<void> => {
    rt.rateLimits.forget(subscriptionId);
    await loops.remove(subscriptionId);
    await deleteSubscriptionConsumer(nc, subscriptionId, settings);
  };

  return {
    async start() {
      // Listen before loading, so a change made while the subscriptions load is not missed.
      watcher = watchSubscriptionChanges({
        nc,
        namespace,
        logger,
        resyncMs: deps.resyncMs ?? 30_000,
        reload: (change) => void reload(change),
        resync: () => void resync(),
      });
      await nc.flush();
      await resync();
      const retentionMs = config.webhookLogRetentionMs;
      retention = startAttemptRetention({
        db,
        logger,
        now,
        retentionMs,
        everyMs: deps.retentionSweepMs ?? Math.min(3_600_000, retentionMs),
      });
      logger.info({ subscriptions: loops.size }, "webhook delivery started");
    },

    async stop() {
      stopping.abort();
      await watcher?.stop();
      await retention?.stop();
      await reloads.idle();
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
      await forget(subscriptionId);
    },

    async sendTest(sub) {
      return deliverOnce(rt, sub, testEvent(namespace, config.branch, sub, now()), "test", null);
    },

    async replay(sub, range) {
      if (!sub.enabled)
        throw new ConflictError("the subscription is disabled; enable it before replaying events to it");
      const seqs = await findReplayEvents({ nc, db, namespace, stream, now }, sub, range);
      replayer.start(sub, seqs);
      return { replayed: seqs.length };
    },

    counts: () => rt.counters.snapshot(),
    runningLoops: () => loops.size,
  };
}
