import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { deleteConsumer, ensureConsumer, streamNames, type NatsConnection } from "@switchboard/bus";
import { NotFoundError } from "@switchboard/errors";
import {
  credentialInboxPrefix,
  credentialPermissions,
  issueUser,
  type CredentialAccess,
  type Issuer,
} from "@switchboard/nats-auth";
import type { EventCause, EventSource } from "@switchboard/outbox";
import { emitEvent } from "@switchboard/outbox";
import type { AccountPublisher } from "./account-publisher.js";
import {
  findCredential,
  insertCredential,
  markRevoked,
  recordAudit,
  type NatsCredentialRecord,
} from "./nats-credential.repository.js";
import type { TenancyDB } from "../tenancy.tables.js";

export interface NatsCredentialDeps {
  db: Kysely<TenancyDB>;
  nc: NatsConnection;
  source: EventSource;
  issuer: Issuer;
  publisher: AccountPublisher;
  streamPrefix: string;
  eventsWritten(): void;
}

export interface CreateCredentialInput {
  name: string;
  access: CredentialAccess[];
  expiresAt: Date | null;
}

/** Who acts: the API key (for the audit trail) and the cause the event names. */
export interface Actor extends EventCause {
  keyId: string;
}

/** Where and how the third party connects with the credential. */
export interface ConnectionHints {
  inboxPrefix: string;
  subscribe: string | null;
  publish: string | null;
  consumer: { stream: string; durable: string } | null;
}

export interface CreatedCredential extends NatsCredentialRecord, ConnectionHints {
  creds: string;
}

const CONSUMER_ACK_WAIT_MS = 30_000;
/** Unacknowledged messages one credential's consumer may hold before the server stops sending. */
const CONSUMER_MAX_ACK_PENDING = 1_000;

/** A third party's NATS credential: created, shown once, listed without its seed, revoked. */
export function natsCredentialService(deps: NatsCredentialDeps) {
  const ns = deps.source.namespace;
  const eventsStream = streamNames(deps.streamPrefix).events;

  const hints = (c: Pick<NatsCredentialRecord, "id" | "orgId" | "access">): ConnectionHints => ({
    inboxPrefix: credentialInboxPrefix(c.id),
    subscribe: c.access.includes("subscribe") ? `${ns}.events.${c.orgId}.>` : null,
    publish: c.access.includes("publish") ? `${ns}.inbound.${c.orgId}.>` : null,
    consumer: c.access.includes("consume") ? { stream: eventsStream, durable: c.id } : null,
  });

  return {
    hints,

    async create(orgId: string, input: CreateCredentialInput, actor: Actor): Promise<CreatedCredential> {
      const id = `nc_${randomBytes(8).toString("hex")}`;
      const permissions = credentialPermissions({
        namespace: ns,
        orgId,
        credentialId: id,
        eventsStream,
        access: input.access,
      });
      const user = await issueUser(deps.issuer, {
        name: `${orgId}/${id}`,
        permissions,
        ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
      });
      const record = await deps.db.transaction().execute(async (trx) => {
        const saved = await insertCredential(trx, {
          id,
          orgId,
          name: input.name,
          access: input.access,
          publicKey: user.publicKey,
          expiresAt: input.expiresAt,
          createdBy: `key:${actor.keyId}`,
        });
        await recordAudit(trx, { orgId, credentialId: id, action: "created", actor: `key:${actor.keyId}` });
        await emitEvent(trx, deps.source, actor, "natsCredentialCreated", {
          credentialId: id,
          name: saved.name,
          publicKey: saved.publicKey,
          access: saved.access,
          expiresAt: saved.expiresAt,
        });
        // Made before the commit: a credential never exists without the consumer it was promised.
        if (input.access.includes("consume")) {
          await ensureConsumer(deps.nc, eventsStream, {
            durable: id,
            filterSubject: `${ns}.events.${orgId}.>`,
            ackWaitMs: CONSUMER_ACK_WAIT_MS,
            maxAckPending: CONSUMER_MAX_ACK_PENDING,
            deliver: "new",
          });
        }
        return saved;
      });
      deps.eventsWritten();
      return { ...record, ...hints(record), creds: user.creds };
    },

    /**
     * Revokes the credential (once: a second call changes nothing), removes its consumer, and pushes
     * the account so the servers close its connections; a failed push is an error the caller can
     * retry, and the account is pushed again every minute anyway.
     */
    async revoke(orgId: string, id: string, actor: Actor): Promise<void> {
      const revoked = await deps.db.transaction().execute(async (trx) => {
        const changed = await markRevoked(trx, orgId, id, `key:${actor.keyId}`);
        if (changed === undefined) {
          const existing = await findCredential(trx, orgId, id);
          if (existing === undefined)
            throw new NotFoundError(`NATS credential "${id}" does not exist in org "${orgId}"`);
          return existing;
        }
        await recordAudit(trx, { orgId, credentialId: id, action: "revoked", actor: `key:${actor.keyId}` });
        await emitEvent(trx, deps.source, actor, "natsCredentialRevoked", {
          credentialId: id,
          name: changed.name,
          publicKey: changed.publicKey,
        });
        return changed;
      });
      deps.eventsWritten();
      await deps.publisher.publish();
      if (revoked.access.includes("consume")) await deleteConsumer(deps.nc, eventsStream, id);
    },
  };
}

export type NatsCredentialService = ReturnType<typeof natsCredentialService>;
