import type { NatsConnection } from "@switchboard/bus";
import { assertNamespace, isToken } from "@switchboard/events";
import type { Logger } from "@switchboard/logger";

export interface SubscriptionChange {
  orgId: string;
  subscriptionId: string;
}

/**
 * Core NATS without a queue group: every bridge replica hears every change. Not under `<ns>.cmd.`,
 * whose subjects one member of a queue group answers.
 */
export function changeSubject(namespace: string): string {
  return `${assertNamespace(namespace)}.notify.webhook-bridge.changed`;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Fire and forget: if NATS is down the client buffers it, and a lost one is made up by the
 * periodic full resync.
 */
export function announceChange(
  nc: NatsConnection,
  namespace: string,
  change: SubscriptionChange,
  logger: Logger,
): void {
  try {
    nc.publish(changeSubject(namespace), encoder.encode(JSON.stringify(change)));
  } catch (error) {
    logger.warn(
      { err: error, ...change },
      "could not announce a webhook subscription change; replicas catch up at their next resync",
    );
  }
}

/** The change a notification names, or undefined for anything malformed. */
export function parseChange(data: Uint8Array): SubscriptionChange | undefined {
  try {
    const value = JSON.parse(decoder.decode(data)) as Partial<SubscriptionChange> | null;
    const orgId = value?.orgId;
    const subscriptionId = value?.subscriptionId;
    return isToken(orgId) && isToken(subscriptionId) ? { orgId, subscriptionId } : undefined;
  } catch {
    return undefined;
  }
}
