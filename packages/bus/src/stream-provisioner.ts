import {
  DiscardPolicy,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
} from "@nats-io/jetstream";
import { nanos, type NatsConnection } from "@nats-io/nats-core";
import { ErrorCodes, isSwitchboardError, type SwitchboardError } from "@switchboard/errors";
import { ApiCodes, isApiError, toBusError } from "./jetstream-errors.js";
import { streamNames } from "./stream-names.js";
import { assertSafeToken } from "./subject-tokens.js";

export interface StreamProvisioning {
  /** First subject token, e.g. `switchboard`. */
  namespace: string;
  /** Stream name prefix, e.g. `""` or `TEST1_`. */
  prefix: string;
  /** 1 on a single server, 3 on a cluster. */
  replicas: number;
  /** How long the broker drops repeats of a `Nats-Msg-Id`. */
  duplicateWindowMs: number;
  /**
   * How long to keep asking while JetStream does not answer or fails on its side (a cluster still
   * electing its leaders, a busy machine); default 0: fail at once. A refusal always fails at once.
   */
  patienceMs?: number;
  /** Told of each failure that will be tried again. */
  onRetry?: (error: SwitchboardError) => void;
  /** How long each stream keeps a message, and how large it may grow; default: for ever, unbounded. */
  limits?: StreamLimits;
}

export interface StreamLimits {
  /** Age after which a message leaves EVENTS (polls, replays and new webhook consumers then miss it). */
  eventsMaxAgeMs?: number;
  /** Age after which a message leaves INBOUND, read by the rules engine or not. */
  inboundMaxAgeMs?: number;
  /** Age after which a dead letter leaves DLQ, resolved or not. */
  dlqMaxAgeMs?: number;
  /**
   * Bytes each stream may hold; 0: no limit. A full stream refuses new messages (publishers are told
   * and retry, ingress answers 503) rather than dropping old ones a consumer may not have read.
   */
  maxBytes?: number;
}

type StreamSpec = Partial<StreamConfig> & { name: string; subjects: string[] };

/** Creates EVENTS, INBOUND and DLQ, or brings their config up to date. Safe to run from every replica. */
export async function provisionStreams(nc: NatsConnection, opts: StreamProvisioning): Promise<void> {
  const deadline = Date.now() + (opts.patienceMs ?? 0);
  for (;;) {
    try {
      return await provisionOnce(nc, opts);
    } catch (error) {
      const transient = isSwitchboardError(error) && error.code === ErrorCodes.Unavailable;
      if (!transient || Date.now() >= deadline) throw error;
      opts.onRetry?.(error);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

async function provisionOnce(nc: NatsConnection, opts: StreamProvisioning): Promise<void> {
  assertSafeToken(opts.namespace, "namespace");
  const names = streamNames(opts.prefix);
  const jsm = await jetstreamManager(nc).catch((error: unknown) => {
    throw toBusError(error, "JetStream");
  });
  const limits = opts.limits ?? {};
  const kinds = [
    [names.events, "events", limits.eventsMaxAgeMs],
    [names.inbound, "inbound", limits.inboundMaxAgeMs],
    [names.dlq, "dlq", limits.dlqMaxAgeMs],
  ] as const;
  for (const [name, kind, maxAgeMs] of kinds) {
    await createOrUpdateStream(jsm, {
      name,
      subjects: [`${opts.namespace}.${kind}.>`],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      num_replicas: opts.replicas,
      // The broker drops repeats only while it still remembers them, so keep them at least that long.
      duplicate_window: nanos(Math.min(opts.duplicateWindowMs, maxAgeMs ?? Infinity)),
      max_age: maxAgeMs === undefined ? 0 : nanos(maxAgeMs),
      max_bytes: limits.maxBytes === undefined || limits.maxBytes === 0 ? -1 : limits.maxBytes,
      discard: DiscardPolicy.New,
    });
  }
}

async function createOrUpdateStream(jsm: JetStreamManager, spec: StreamSpec): Promise<void> {
  try {
    await jsm.streams.add(spec);
  } catch (error) {
    // Exists with another config, or another replica just created it: update in place. A replica
    // that asks while another's create of the same stream is under way may be told its subjects
    // overlap with an existing stream (that one) rather than that the name is in use.
    const raced =
      isApiError(error, ApiCodes.StreamNameInUse) || isApiError(error, ApiCodes.StreamSubjectOverlap);
    if (!raced) throw toBusError(error, `create stream ${spec.name}`);
    await jsm.streams.update(spec.name, spec).catch((updateError: unknown) => {
      // No stream of this name: the subjects are another stream's, which is the problem to report.
      if (isApiError(updateError, ApiCodes.StreamNotFound))
        throw toBusError(error, `create stream ${spec.name}`);
      throw toBusError(updateError, `update stream ${spec.name}`);
    });
  }
}
