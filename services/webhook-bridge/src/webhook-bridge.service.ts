import {
  createDomainService,
  type DomainParts,
  type Service,
  type ServiceContext,
} from "@switchboard/runtime";
import { jetstreamManager, streamNames, type JetStreamManager } from "@switchboard/bus";
import type { Keyring } from "@switchboard/secrets";
import type { Resolve } from "@switchboard/webhooks";
import type { DeliveryControl } from "./contracts.js";
import { createDeliveryEngine } from "./delivery/index.js";
import { migrations, SCHEMA } from "./migrations.js";
import { webhookBridgeCommands } from "./webhook-bridge.commands.js";
import {
  loadSecretsKeyring,
  webhookHealth,
  webhookRoutes,
  type SubscriptionParts,
} from "./subscriptions/index.js";
import type { WebhookBridgeDB } from "./webhook-bridge.tables.js";

/** What the delivery side is built from. */
export interface DeliveryParts extends DomainParts<WebhookBridgeDB> {
  ctx: ServiceContext;
  keyring: Keyring;
}

/** The delivery side: the control the API calls, and optionally a lifecycle run with the service's. */
export type DeliverySide = DeliveryControl & { start?(): Promise<void>; stop?(): Promise<void> };

export interface WebhookBridgeOptions {
  delivery?: (parts: DeliveryParts) => DeliverySide;
  /** Host name resolution for the save-time destination check; the system resolver when absent. */
  resolve?: Resolve;
}

export interface WebhookBridgeService extends Service {
  readonly parts: DomainParts<WebhookBridgeDB>;
  /** The delivery side, built at creation: its consumers run with or without the HTTP routes. */
  readonly delivery: DeliverySide;
}

/**
 * Webhook subscriptions over HTTP (when the process mounts routes) and, through the delivery side,
 * their consumers. The keyring is read here, before anything is opened, so a missing one stops the
 * process at start.
 */
export function createWebhookBridgeService(
  ctx: ServiceContext,
  options: WebhookBridgeOptions = {},
): WebhookBridgeService {
  const keyring = loadSecretsKeyring(ctx.config.secretsKeyring);
  const makeDelivery =
    options.delivery ??
    ((parts: DeliveryParts) => createDeliveryEngine(parts.ctx, parts, { keyring: parts.keyring }));
  const subscriptionParts = (parts: DomainParts<WebhookBridgeDB>): SubscriptionParts => ({
    db: parts.db,
    keyring,
    now: parts.source.now,
    allowlist: ctx.config.webhookAllowlist,
    schemas: parts.source.schemas,
    backlog: consumerBacklog(ctx),
    ...(options.resolve ? { resolve: options.resolve } : {}),
  });
  // Routes and commands are called only after creation, when the delivery side below exists.
  const domain = createDomainService<WebhookBridgeDB>(ctx, {
    name: "webhook-bridge",
    schema: SCHEMA,
    migrations,
    routes: (app, parts) => webhookRoutes(app, subscriptionParts(parts), delivery),
    commands: (parts) =>
      webhookBridgeCommands(
        parts.db,
        keyring,
        () => delivery,
        (orgId) => webhookHealth(subscriptionParts(parts), orgId),
      ),
  });
  const delivery = makeDelivery({ ...domain.parts, ctx, keyring });

  return {
    name: domain.name,
    parts: domain.parts,
    delivery,
    ...(domain.routes ? { routes: domain.routes } : {}),
    async start() {
      await domain.start(); // migrations, the outbox relay and the commands
      try {
        await delivery.start?.();
      } catch (error) {
        await domain.stop();
        throw error;
      }
    },
    async stop() {
      await delivery.stop?.();
      await domain.stop();
    },
  };
}

/** A subscription's durable consumer (named after it, on EVENTS): messages pending and delivered but unacked. */
function consumerBacklog(ctx: ServiceContext): (subscriptionId: string) => Promise<number | null> {
  const stream = streamNames(ctx.config.streamPrefix).events;
  let jsm: Promise<JetStreamManager> | undefined;
  return async (subscriptionId) => {
    jsm ??= jetstreamManager(ctx.nc);
    try {
      const info = await (await jsm).consumers.info(stream, subscriptionId);
      return info.num_pending + info.num_ack_pending;
    } catch {
      return null; // no consumer (yet), or JetStream not answering: unknown, not zero
    }
  };
}
