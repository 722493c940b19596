import { ConfigError } from "@switchboard/errors";
import {
  readEnum,
  readFilePath,
  readInt,
  readIntList,
  readList,
  readOptional,
  readString,
  readToken,
  readUrl,
  readUrlList,
  type Env,
} from "./readers.js";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Everything a Switchboard process reads from its environment, validated once at start. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** NATS_URL as given, for display. Absent: the all-in-one runner spawns a nats-server in the data dir. */
  natsUrl: string | undefined;
  /** NATS_URL split at commas (every node of a cluster), each checked; empty when NATS_URL is absent. */
  natsServers: string[];
  /** NATS_CREDS: the `.creds` file (user JWT and seed) this process connects with; absent: anonymous. */
  natsCredsFile: string | undefined;
  /** TLS towards a nats-server that requires it. */
  natsTls: { caFile?: string; certFile?: string; keyFile?: string } | undefined;
  /**
   * SWITCHBOARD_NATS_ISSUER_FILE: the keys tenancy signs third parties' NATS credentials with
   * (written by `switchboard nats init`); absent: the nats-credentials API is off.
   */
  natsIssuerFile: string | undefined;
  /** Port of the nats-server the all-in-one runner spawns when NATS_URL is absent (another if taken). */
  embeddedNatsPort: number;
  /** Absent: the all-in-one runner uses embedded PGlite in the data dir. */
  databaseUrl: string | undefined;
  adminKey: string | undefined;
  webhookAllowlist: string[];
  namespace: string;
  streamPrefix: string;
  streamReplicas: number;
  duplicateWindowMs: number;
  branch: string;
  logLevel: LogLevel;
  /** Which services this process runs; empty means all. */
  services: string[];
  /** Whether this process serves HTTP; false runs the services' consumers and commands only. */
  http: boolean;
  bodyLimitBytes: number;
  maxJsonDepth: number;
  outboxPollMs: number;
  /** Deliveries of an inbound message before the rules engine dead-letters it. */
  rulesMaxDeliver: number;
  /** Wait before redelivery n of a message whose actions failed transiently. */
  rulesBackoffMs: number[];
  /** Messages the rules engine works on at once, per replica. */
  rulesConcurrency: number;
  /** Most messages the rules engine claims and records in one transaction. */
  rulesBatch: number;
  /**
   * Bytes of message payload each of the rules engine's consumers (inbound events, system events)
   * holds at once, counting each message it pulls at the largest size the bus allows.
   */
  rulesBytesInFlight: number;
  /** How long the first message of a rules-engine batch waits for others before the batch runs (ms). */
  rulesLingerMs: number;
  /** `kid:base64key,…` (32-byte keys) encrypting stored secrets; absent: all-in-one keeps one in the data dir. */
  secretsKeyring: string | undefined;
  /** Default webhook retry schedule (ms before each retry); a subscription may set its own. */
  webhookRetryScheduleMs: number[];
  /** An endpoint failing without a success for this long is disabled. */
  webhookDisableAfterMs: number;
  /** Delivery attempts older than this are deleted from the log. */
  webhookLogRetentionMs: number;
  /** Webhook deliveries in flight at once per subscription: its consumer's max_ack_pending, so across replicas (ordered subscriptions: 1). */
  webhookConcurrency: number;
  /**
   * Payload bytes each subscription's loop holds at once on a replica, each message it pulls
   * counted at the largest the bus allows (see runConsumer's maxBytesInFlight).
   */
  webhookBytesInFlight: number;
  /** Inbound events one API key may POST per second (a short burst above it is allowed). */
  ingressRatePerSecond: number;
  /** Long polls one API key may have open at once. */
  pollsPerKey: number;
  /** Long polls one org may have open at once, all its keys together. */
  pollsPerOrg: number;
  /** How long each stream keeps messages, and how large it may grow (0: no byte limit). */
  streamLimits: {
    eventsMaxAgeMs: number;
    inboundMaxAgeMs: number;
    dlqMaxAgeMs: number;
    maxBytes: number;
  };
  /** Bytes of inbound events one org may put on the bus per UTC day, all its keys and replicas together. */
  orgBytesPerDay: number;
  /** After this, a rule run's input, action parameters and results are removed (the run's outline stays). */
  ruleRunPayloadRetentionMs: number;
  /** After this, rule runs are deleted. */
  ruleRunRetentionMs: number;
  /** After this, inbound samples (kept for dry runs, at most 100 per event) are deleted. */
  sampleRetentionMs: number;
  /** After this, Idempotency-Keys and rule actions' keys are forgotten; at least the DLQ's max age. */
  idempotencyRetentionMs: number;
  /** After this, published (or set-aside) outbox rows are deleted. */
  outboxRetentionMs: number;
  /** How often each service deletes what is past its retention. */
  retentionSweepMs: number;
}

const DAY_MS = 86_400_000;
const TEN_YEARS_MS = 3_650 * DAY_MS;

const NATS_PROTOCOLS = ["nats:", "tls:", "ws:", "wss:"];

export function loadConfig(env: Env = process.env): Config {
  const adminKey = readOptional(env, "SWITCHBOARD_ADMIN_KEY");
  if (adminKey !== undefined) checkAdminKey(adminKey);
  const replicas = readInt(env, "SWITCHBOARD_STREAM_REPLICAS", 1, 1, 5);
  if (replicas % 2 === 0) throw new ConfigError("SWITCHBOARD_STREAM_REPLICAS", "must be odd (1, 3 or 5)");
  return {
    port: readInt(env, "PORT", 8080, 0, 65535),
    host: readString(env, "HOST", "0.0.0.0"),
    dataDir: readString(env, "SWITCHBOARD_DATA_DIR", "./.switchboard"),
    natsUrl: readOptional(env, "NATS_URL"),
    natsServers: readUrlList(env, "NATS_URL", NATS_PROTOCOLS),
    natsCredsFile: readFilePath(env, "NATS_CREDS"),
    natsTls: readNatsTls(env),
    natsIssuerFile: readFilePath(env, "SWITCHBOARD_NATS_ISSUER_FILE"),
    embeddedNatsPort: readInt(env, "SWITCHBOARD_NATS_PORT", 4222, 0, 65535),
    databaseUrl: readUrl(env, "DATABASE_URL", ["postgres:", "postgresql:"]),
    adminKey,
    webhookAllowlist: readList(env, "SWITCHBOARD_WEBHOOK_ALLOWLIST"),
    namespace: readToken(env, "SWITCHBOARD_NAMESPACE", "switchboard"),
    streamPrefix:
      readOptional(env, "SWITCHBOARD_STREAM_PREFIX") === undefined
        ? ""
        : readToken(env, "SWITCHBOARD_STREAM_PREFIX", ""),
    streamReplicas: replicas,
    duplicateWindowMs: readInt(env, "SWITCHBOARD_DUPLICATE_WINDOW_MS", 120_000, 1_000, 86_400_000),
    branch: readToken(env, "SWITCHBOARD_BRANCH", "master"),
    logLevel: readEnum(env, "LOG_LEVEL", LOG_LEVELS, "info"),
    services: readList(env, "SWITCHBOARD_SERVICES"),
    http: readEnum(env, "SWITCHBOARD_HTTP", ["on", "off"], "on") === "on",
    bodyLimitBytes: readInt(env, "SWITCHBOARD_BODY_LIMIT_BYTES", 1_048_576, 1024, 64 * 1_048_576),
    maxJsonDepth: readInt(env, "SWITCHBOARD_MAX_JSON_DEPTH", 32, 2, 256),
    outboxPollMs: readInt(env, "SWITCHBOARD_OUTBOX_POLL_MS", 250, 10, 60_000),
    rulesMaxDeliver: readInt(env, "SWITCHBOARD_RULES_MAX_DELIVER", 10, 1, 1000),
    rulesBackoffMs: readIntList(
      env,
      "SWITCHBOARD_RULES_BACKOFF_MS",
      [1_000, 5_000, 15_000, 30_000, 60_000],
      0,
      3_600_000,
    ),
    rulesConcurrency: readInt(env, "SWITCHBOARD_RULES_CONCURRENCY", 256, 1, 1024),
    rulesBatch: readInt(env, "SWITCHBOARD_RULES_BATCH", 128, 1, 500),
    rulesBytesInFlight: readInt(
      env,
      "SWITCHBOARD_RULES_BYTES_IN_FLIGHT",
      64 * 1_048_576,
      1_048_576,
      1_073_741_824,
    ),
    rulesLingerMs: readInt(env, "SWITCHBOARD_RULES_LINGER_MS", 10, 0, 1_000),
    secretsKeyring: readOptional(env, "SWITCHBOARD_SECRETS_KEYRING"),
    webhookRetryScheduleMs: readIntList(
      env,
      "SWITCHBOARD_WEBHOOK_RETRY_SCHEDULE_MS",
      [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
      0,
      86_400_000,
    ),
    webhookDisableAfterMs: readInt(
      env,
      "SWITCHBOARD_WEBHOOK_DISABLE_AFTER_MS",
      5 * 86_400_000,
      1_000,
      90 * 86_400_000,
    ),
    webhookLogRetentionMs: readInt(
      env,
      "SWITCHBOARD_WEBHOOK_LOG_RETENTION_MS",
      30 * 86_400_000,
      60_000,
      3_650 * 86_400_000,
    ),
    webhookConcurrency: readInt(env, "SWITCHBOARD_WEBHOOK_CONCURRENCY", 64, 1, 512),
    webhookBytesInFlight: readInt(
      env,
      "SWITCHBOARD_WEBHOOK_BYTES_IN_FLIGHT",
      16 * 1_048_576,
      1_048_576,
      1_073_741_824,
    ),
    ingressRatePerSecond: readInt(env, "SWITCHBOARD_INGRESS_RATE_PER_SECOND", 200, 1, 100_000),
    pollsPerKey: readInt(env, "SWITCHBOARD_POLLS_PER_KEY", 4, 1, 1_000),
    pollsPerOrg: readInt(env, "SWITCHBOARD_POLLS_PER_ORG", 16, 1, 10_000),
    ...readRetention(env),
  };
}

type Retention = Pick<
  Config,
  | "streamLimits"
  | "orgBytesPerDay"
  | "ruleRunPayloadRetentionMs"
  | "ruleRunRetentionMs"
  | "sampleRetentionMs"
  | "idempotencyRetentionMs"
  | "outboxRetentionMs"
  | "retentionSweepMs"
>;

function readRetention(env: Env): Retention {
  const age = (name: string, fallback: number) => readInt(env, name, fallback, 60_000, TEN_YEARS_MS);
  const streamLimits = {
    eventsMaxAgeMs: age("SWITCHBOARD_EVENTS_MAX_AGE_MS", 7 * DAY_MS),
    inboundMaxAgeMs: age("SWITCHBOARD_INBOUND_MAX_AGE_MS", 7 * DAY_MS),
    dlqMaxAgeMs: age("SWITCHBOARD_DLQ_MAX_AGE_MS", 30 * DAY_MS),
    maxBytes: readInt(env, "SWITCHBOARD_STREAM_MAX_BYTES", 0, 0, 2 ** 50),
  };
  const ruleRunPayloadRetentionMs = age("SWITCHBOARD_RULE_RUN_PAYLOAD_RETENTION_MS", 7 * DAY_MS);
  const ruleRunRetentionMs = age("SWITCHBOARD_RULE_RUN_RETENTION_MS", 90 * DAY_MS);
  if (ruleRunRetentionMs < ruleRunPayloadRetentionMs) {
    throw new ConfigError(
      "SWITCHBOARD_RULE_RUN_RETENTION_MS",
      `must be at least SWITCHBOARD_RULE_RUN_PAYLOAD_RETENTION_MS (${ruleRunPayloadRetentionMs})`,
    );
  }
  const idempotencyRetentionMs = age("SWITCHBOARD_IDEMPOTENCY_RETENTION_MS", 31 * DAY_MS);
  // A dead letter retried from the desk runs its rule's actions again under the same keys: they
  // must still be known, or an action done before the message failed is done twice.
  if (idempotencyRetentionMs < streamLimits.dlqMaxAgeMs) {
    throw new ConfigError(
      "SWITCHBOARD_IDEMPOTENCY_RETENTION_MS",
      `must be at least SWITCHBOARD_DLQ_MAX_AGE_MS (${streamLimits.dlqMaxAgeMs}): a dead letter retried later would repeat actions already done`,
    );
  }
  return {
    streamLimits,
    orgBytesPerDay: readInt(env, "SWITCHBOARD_ORG_BYTES_PER_DAY", 2 ** 30, 1_024, 2 ** 50),
    ruleRunPayloadRetentionMs,
    ruleRunRetentionMs,
    sampleRetentionMs: age("SWITCHBOARD_SAMPLE_RETENTION_MS", 7 * DAY_MS),
    idempotencyRetentionMs,
    outboxRetentionMs: age("SWITCHBOARD_OUTBOX_RETENTION_MS", DAY_MS),
    retentionSweepMs: readInt(env, "SWITCHBOARD_RETENTION_SWEEP_MS", 3_600_000, 100, DAY_MS),
  };
}

/** A placeholder from an example file, or an easily guessed key, is refused: it opens everything. */
const PLACEHOLDERS = /change-?me|placeholder|example|password|secret|admin-?key|xxxx/i;
const MIN_ADMIN_KEY_BITS = 96;

function checkAdminKey(key: string): void {
  const variable = "SWITCHBOARD_ADMIN_KEY";
  if (key.length < 24) throw new ConfigError(variable, "must be at least 24 characters long");
  if (PLACEHOLDERS.test(key)) {
    throw new ConfigError(
      variable,
      "looks like a placeholder; generate a key (see deploy/compose.env.example)",
    );
  }
  const bits = estimatedBits(key);
  if (bits < MIN_ADMIN_KEY_BITS) {
    throw new ConfigError(
      variable,
      `is too easy to guess (about ${Math.round(bits)} bits; at least ${MIN_ADMIN_KEY_BITS} wanted): use 32 random bytes, e.g. node -e "console.log('sbk_' + require('crypto').randomBytes(32).toString('base64url'))"`,
    );
  }
}

/** Length times the Shannon entropy of its characters: a generous estimate of a key's strength. */
function estimatedBits(key: string): number {
  const counts = new Map<string, number>();
  for (const char of key) counts.set(char, (counts.get(char) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) perChar -= (n / key.length) * Math.log2(n / key.length);
  return perChar * key.length;
}

function readNatsTls(env: Env): Config["natsTls"] {
  const caFile = readFilePath(env, "NATS_TLS_CA_FILE");
  const certFile = readFilePath(env, "NATS_TLS_CERT_FILE");
  const keyFile = readFilePath(env, "NATS_TLS_KEY_FILE");
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new ConfigError(
      certFile === undefined ? "NATS_TLS_CERT_FILE" : "NATS_TLS_KEY_FILE",
      "a client certificate needs both NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE",
    );
  }
  if (caFile === undefined && certFile === undefined) return undefined;
  return { ...(caFile ? { caFile } : {}), ...(certFile ? { certFile, keyFile: keyFile! } : {}) };
}

/** Every environment variable loadConfig reads, learnt by watching it read an empty environment. */
export function configVariableNames(): string[] {
  const names = new Set<string>();
  const watched = new Proxy<Env>(
    {},
    {
      get: (_target, key) => {
        if (typeof key === "string") names.add(key);
        return undefined;
      },
    },
  );
  loadConfig(watched);
  return [...names].sort();
}
