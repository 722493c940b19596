import type { NatsConnection } from "@switchboard/bus";
import { assertNamespace, isToken } from "@switchboard/events";
import type { ServiceContext } from "@switchboard/runtime";

/**
 * The rules engine announces every change of an org's definitions or rules here (core NATS, no
 * queue group, payload `{ orgId }`). The subject is part of its published contract, so it is
 * spelled out rather than imported: services do not import each other.
 */
export function rulesChangedSubject(namespace: string): string {
  return `${assertNamespace(namespace)}.notify.rules-engine.changed`;
}

export interface DefinitionChanges {
  stop(): Promise<void>;
}

/** Calls `changed(orgId)` for every well-formed notice; malformed ones are logged and ignored. */
export function listenForDefinitionChanges(
  nc: NatsConnection,
  namespace: string,
  logger: ServiceContext["logger"],
  changed: (orgId: string) => void,
): DefinitionChanges {
  const subscription = nc.subscribe(rulesChangedSubject(namespace), {
    callback: (error, msg) => {
      if (error) return logger.warn({ err: error }, "definition change subscription failed");
      const orgId = orgOf(msg.data);
      if (orgId === undefined)
        return logger.warn({ subject: msg.subject }, "malformed change notice ignored");
      changed(orgId);
    },
  });
  return {
    async stop() {
      if (!nc.isClosed() && !subscription.isClosed()) await subscription.drain();
    },
  };
}

function orgOf(data: Uint8Array): string | undefined {
  try {
    const orgId = (JSON.parse(new TextDecoder().decode(data)) as { orgId?: unknown } | null)?.orgId;
    return isToken(orgId) ? orgId : undefined;
  } catch {
    return undefined;
  }
}
