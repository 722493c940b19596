import type { NatsConnection } from "@switchboard/bus";
import { assertNamespace, assertOrgId } from "@switchboard/events";
import type { Logger } from "@switchboard/logger";

/**
 * Core NATS, no queue group: every engine replica must hear every change. Not under `<ns>.cmd.`,
 * whose subjects are answered by one member of a queue group.
 */
export function rulesChangedSubject(namespace: string): string {
  return `${assertNamespace(namespace)}.notify.rules-engine.changed`;
}

const encoder = new TextEncoder();

/**
 * Tells every replica that an org's definitions or rules changed. Fire and forget: if NATS is down
 * the client buffers it, and a lost one is made up by the periodic full reload.
 */
export function publishRulesChanged(
  nc: NatsConnection,
  namespace: string,
  orgId: string,
  logger: Logger,
): void {
  try {
    nc.publish(rulesChangedSubject(namespace), encoder.encode(JSON.stringify({ orgId: assertOrgId(orgId) })));
  } catch (error) {
    logger.warn(
      { err: error, orgId },
      "could not announce a rules change; replicas catch up at their next full reload",
    );
  }
}

/** The org a notification names, or undefined for anything malformed. */
export function parseRulesChanged(data: Uint8Array): string | undefined {
  try {
    const orgId = (JSON.parse(new TextDecoder().decode(data)) as { orgId?: unknown } | null)?.orgId;
    return typeof orgId === "string" ? assertOrgId(orgId) : undefined;
  } catch {
    return undefined;
  }
}
