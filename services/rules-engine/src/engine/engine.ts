import {
  batchingHandler,
  ensureConsumer,
  jetstreamManager,
  runConsumer,
  streamNames,
  type ConsumerRunner,
  type JetStreamManager,
} from "@switchboard/bus";
import { HealthCountWriter } from "@switchboard/db";
import type { DomainParts, ServiceContext } from "@switchboard/runtime";
import { countedBatches } from "../health/counted-batches.js";
import { INBOUND_HEALTH } from "../migrations.js";
import type { RuleIndex } from "../rule-index.js";
import { batchProcessor } from "./batch-processor.js";
import { eventIntake, inboundIntake, type IntakeOf } from "./intake.js";
import type { ProcessorDeps } from "./triggered.js";
import type { RulesEngineDB } from "../rules-engine.tables.js";

export interface Engine {
  stop(): Promise<void>;
}

/**
 * Durable pull consumers, explicit ack: `rules-engine` on INBOUND and `rules-engine-events` on
 * EVENTS. Every replica pulls from the same durables, so replicas share the messages.
 */
export async function startEngine(
  ctx: ServiceContext,
  parts: DomainParts<RulesEngineDB>,
  index: RuleIndex,
): Promise<Engine> {
  const { config, logger, nc } = ctx;
  const names = streamNames(config.streamPrefix);
  const ns = config.namespace;
  let jsm: Promise<JetStreamManager> | undefined;
  const settledIn =
    (stream: string, durable: string) =>
    async (seq: number): Promise<boolean> => {
      const info = await (await (jsm ??= jetstreamManager(nc))).consumers.info(stream, durable);
      return info.ack_floor.stream_seq >= seq;
    };
  const deps: Omit<ProcessorDeps, "settled"> = {
    db: parts.db,
    source: parts.source,
    call: parts.call,
    logger: logger.child({ component: "rules-engine" }),
    maxDeliver: config.rulesMaxDeliver,
    outbox: parts.outbox,
  };
  // The handler dead-letters exhausted messages itself (it must free their claims first); the loop
  // does at the delivery after.
  const loopMaxDeliver = config.rulesMaxDeliver + 1;
  // Off the hot path: a batch hands its counts over and goes on to its acks (HealthCountWriter).
  // A statement a quarter of a second at most: the figures are read by people, not by the path.
  const health = new HealthCountWriter(
    parts.db,
    INBOUND_HEALTH,
    (error) => deps.logger.warn({ err: error }, "inbound event health counts were not written"),
    { lingerMs: 250 },
  );
  // What arrives within SWITCHBOARD_RULES_LINGER_MS is claimed and recorded together: a batch's
  // round trips cost the same for one message as for 64, so a few milliseconds' wait buys much
  // less work under load. An inbound batch's outcomes are tallied for the events' health (see
  // countedBatches).
  const batched = (processorDeps: ProcessorDeps, intake: IntakeOf, counted = false) => {
    const processor = batchProcessor(processorDeps, intake);
    return batchingHandler(
      counted ? countedBatches(processor, health, { lastDelivery: loopMaxDeliver, now: ctx.now }) : processor,
      { maxBatch: config.rulesBatch, lingerMs: config.rulesLingerMs },
    );
  };
  const consumers = [
    {
      stream: names.inbound,
      durable: "rules-engine",
      filter: `${ns}.inbound.>`,
      handler: batched(
        { ...deps, settled: settledIn(names.inbound, "rules-engine") },
        inboundIntake(index, names.inbound),
        true,
      ),
    },
    {
      stream: names.events,
      durable: "rules-engine-events",
      filter: `${ns}.events.>`,
      handler: batched(
        { ...deps, settled: settledIn(names.events, "rules-engine-events") },
        eventIntake(index, names.events),
      ),
    },
  ];
  const runners: ConsumerRunner[] = [];
  for (const c of consumers) {
    // A short ack wait: a crashed replica's messages come back soon; the loop extends it while a handler works.
    await ensureConsumer(nc, c.stream, { durable: c.durable, filterSubject: c.filter, ackWaitMs: 10_000 });
    runners.push(
      runConsumer({
        nc,
        stream: c.stream,
        durable: c.durable,
        namespace: ns,
        dlqPrefix: config.streamPrefix,
        handler: c.handler,
        maxDeliver: loopMaxDeliver,
        backoffMs: config.rulesBackoffMs,
        stage: "rules",
        logger,
        concurrency: config.rulesConcurrency,
        maxBytesInFlight: config.rulesBytesInFlight,
      }),
    );
  }
  return {
    async stop() {
      await Promise.all(runners.map((r) => r.stop()));
      await health.drain();
    },
  };
}
