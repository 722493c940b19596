import type { FastifyInstance } from "fastify";
import { ErrorCodes, SwitchboardError } from "@switchboard/errors";
import {
  createDomainService,
  type DomainParts,
  type Service,
  type ServiceContext,
} from "@switchboard/runtime";
import type { Keyring } from "@switchboard/secrets";
import type { Resolve } from "@switchboard/webhooks";
import type { DeliveryControl } from "./contracts.js";
import { createDeliveryEngine } from "./delivery/index.js";
import { migrations, SCHEMA } from "./migrations.js";
import { webhookBridgeCommands } from "./webhook-bridge.commands.js";
import { loadSecretsKeyring, webhookRoutes, type SubscriptionParts } from "./subscriptions/index.js";
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

/**
 * Webhook subscriptions over HTTP and, through the delivery side, their consumers. The keyring is
 * read here, before anything is opened, so a missing one stops the process at start.
 */
export function createWebhookBridgeService(ctx: ServiceContext, options: WebhookBridgeOptions = {}): Service {
  const keyring = loadSecretsKeyring(ctx.config.secretsKeyring);
  const makeDelivery =
    options.delivery ??
    ((parts: DeliveryParts) => createDeliveryEngine(parts.ctx, parts, { keyring: parts.keyring }));
  let delivery: DeliverySide | undefined;
  // The domain service hands out its parts to routes only, and the runner registers routes before start().
  const routes = async (app: FastifyInstance, parts: DomainParts<WebhookBridgeDB>): Promise<void> => {
    delivery = makeDelivery({ ...parts, ctx, keyring });
    const subscriptionParts: SubscriptionParts = {
      db: parts.db,
      keyring,
      now: parts.source.now,
      allowlist: ctx.config.webhookAllowlist,
      schemas: parts.source.schemas,
      ...(options.resolve ? { resolve: options.resolve } : {}),
    };
    await webhookRoutes(app, subscriptionParts, delivery);
  };
  const commands = (parts: DomainParts<WebhookBridgeDB>) =>
    webhookBridgeCommands(parts.db, keyring, () => {
      if (delivery === undefined) throw wiring("its routes were not registered before start()");
      return delivery;
    });
  const domain = createDomainService<WebhookBridgeDB>(ctx, {
    name: "webhook-bridge",
    schema: SCHEMA,
    migrations,
    routes,
    commands,
  });

  return {
    name: domain.name,
    ...(domain.routes ? { routes: domain.routes } : {}),
    async start() {
      if (delivery === undefined) throw wiring("its routes were not registered before start()");
      await domain.start(); // migrations and the outbox relay
      try {
        await delivery.start?.();
      } catch (error) {
        await domain.stop();
        throw error;
      }
    },
    async stop() {
      await delivery?.stop?.();
      await domain.stop();
    },
  };
}

const wiring = (why: string): SwitchboardError =>
  new SwitchboardError(ErrorCodes.Internal, `webhook-bridge cannot run: ${why}`);
