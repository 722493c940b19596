import type { Kysely } from "kysely";
import { jetstreamManager, type JetStreamManager, type NatsConnection } from "@switchboard/bus";
import { healthFigures, type NatsCredentialHealth } from "@switchboard/contracts";
import { readHealthFigures } from "@switchboard/db";
import { CREDENTIAL_HEALTH } from "../migrations.js";
import type { TenancyDB } from "../tenancy.tables.js";
import { listCredentials, type NatsCredentialRecord } from "./nats-credential.repository.js";

/** Events waiting in a credential's own durable consumer; null when it has none (or it is not known). */
export type CredentialBacklog = (credential: NatsCredentialRecord) => Promise<number | null>;

/**
 * A credential with `consume` access has its own durable consumer on EVENTS, named after it: its
 * backlog is what that consumer holds (pending, and delivered but not acked). What a credential reads
 * with a plain subscription is not kept for it anywhere, so it has no backlog.
 */
export function consumerBacklog(nc: NatsConnection, eventsStream: string): CredentialBacklog {
  let jsm: Promise<JetStreamManager> | undefined;
  return async (credential) => {
    if (credential.revokedAt !== null || !credential.access.includes("consume")) return null;
    try {
      const info = await (await (jsm ??= jetstreamManager(nc))).consumers.info(eventsStream, credential.id);
      return info.num_pending + info.num_ack_pending;
    } catch {
      return null;
    }
  };
}

/** The health of each of an org's NATS credentials (revoked ones too), in their list order. */
export async function credentialHealth(
  db: Kysely<TenancyDB>,
  backlog: CredentialBacklog,
  orgId: string,
  now: Date,
): Promise<NatsCredentialHealth[]> {
  const [credentials, figures] = await Promise.all([
    listCredentials(db, orgId),
    readHealthFigures(db, CREDENTIAL_HEALTH, orgId, now),
  ]);
  return Promise.all(
    credentials.map(async (c) => ({
      id: c.id,
      name: c.name,
      revokedAt: c.revokedAt,
      lastFailureReason: figures.get(c.id)?.lastFailureReason ?? null,
      ...healthFigures(figures.get(c.id), await backlog(c)),
    })),
  );
}
