import type { FastifyInstance } from "fastify";
import { Kvm, type KV } from "@nats-io/kv";
import {
  jetstream,
  jetstreamManager,
  PipelinedPublisher,
  streamNames,
  type JetStreamManager,
} from "@switchboard/bus";
import { ConfigError } from "@switchboard/errors";
import type { Service, ServiceContext } from "@switchboard/runtime";
import { parseKeyring, type Keyring } from "@switchboard/secrets";
import { ActivePolls } from "./active-polls.js";
import { DefinitionCache } from "./definition-cache.js";
import { listenForDefinitionChanges, type DefinitionChanges } from "./definition-changes.js";
import type { IngressParts } from "./ingress-parts.js";
import { ingressRoutes } from "./ingress.routes.js";
import { watchNatsLink, type NatsLink } from "./nats-link.js";
import { pollRoutes } from "./poll.routes.js";
import { cursorCodec } from "./poll-cursor.js";
import { KeyRateLimiter } from "./rate-limiter.js";
import { ByteQuota, kvUsageStore, type UsageStore } from "./byte-quota.js";

/**
 * HTTP ingress of inbound events and the poll API over system events. A service of its own: it
 * scales with inbound traffic and readers, and owns no tables; the declared schemas it checks
 * payloads against are asked of the rules engine (`rules-engine.getDefinition`).
 */
export function createIngressService(ctx: ServiceContext): Service {
  const { config, nc, logger } = ctx;
  const names = streamNames(config.streamPrefix);
  const definitions = new DefinitionCache({
    fetch: (orgId, name) => ctx.commands["rules-engine"].getDefinition({ orgId, params: { name } }),
  });
  let link: NatsLink | undefined;
  let changes: DefinitionChanges | undefined;
  let jsm: Promise<JetStreamManager> | undefined;
  const polls = new ActivePolls({ perKey: config.pollsPerKey, perOrg: config.pollsPerOrg });
  // Opened on first use, and again after a failure: ingress starts while NATS may still be away.
  let usageBucket: Promise<KV> | undefined;
  const openUsage = (): Promise<KV> =>
    (usageBucket ??= new Kvm(nc)
      .create(`${config.streamPrefix}USAGE`, {
        history: 1,
        // A day's count is needed for that day only.
        ttl: 3 * 86_400_000,
        replicas: config.streamReplicas,
        description: "Switchboard: inbound bytes per org and UTC day, added up by the ingress replicas",
      })
      .catch((error: unknown) => {
        usageBucket = undefined;
        throw error;
      }));
  const usage: UsageStore = {
    add: async (orgId, day, bytes) => kvUsageStore(await openUsage()).add(orgId, day, bytes),
  };
  const quota = new ByteQuota({ bytesPerDay: config.orgBytesPerDay, store: usage, logger });
  const parts: IngressParts = {
    js: jetstream(nc),
    publisher: new PipelinedPublisher(nc),
    jsm: () => (jsm ??= jetstreamManager(nc, { checkAPI: false })),
    namespace: config.namespace,
    inboundStream: names.inbound,
    eventsStream: names.events,
    maxPayloadBytes: () => nc.info?.max_payload,
    isUp: () => link?.isUp() ?? !nc.isClosed(),
    quota,
    logger: logger.child({ service: "ingress" }),
    definitions,
    limiter: new KeyRateLimiter({
      ratePerSecond: config.ingressRatePerSecond,
      burst: 2 * config.ingressRatePerSecond,
    }),
    polls,
    cursors: cursorCodec(pollKeyring(config.secretsKeyring)),
  };
  return {
    name: "ingress",
    async routes(app: FastifyInstance) {
      await ingressRoutes(app, parts);
      await pollRoutes(app, parts);
    },
    async start() {
      // Change notices sent while NATS was away are lost: after a reconnect every org may have changed.
      link = watchNatsLink(nc, parts.logger, () => definitions.clear());
      changes = listenForDefinitionChanges(nc, config.namespace, parts.logger, (orgId) =>
        definitions.dropOrg(orgId),
      );
      await nc.flush();
    },
    async stop() {
      polls.abortAll();
      await changes?.stop();
      await parts.publisher.stop();
      await quota.stop();
      link?.stop();
    },
  };
}

/** Cursors are sealed with the secrets keyring, the same on every ingress replica. */
function pollKeyring(value: string | undefined): Keyring {
  const parsed = parseKeyring(value);
  if (!parsed.ok) {
    throw new ConfigError(
      "SWITCHBOARD_SECRETS_KEYRING",
      `ingress seals poll cursors with it, the same on every replica: ${parsed.error}`,
    );
  }
  return parsed.value;
}
