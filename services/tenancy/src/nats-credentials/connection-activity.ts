import type { Kysely } from "kysely";
import type { NatsConnection } from "@switchboard/bus";
import { HealthCountWriter, noCount, type HealthCount } from "@switchboard/db";
import type { Logger } from "@switchboard/logger";
import {
  connectionEventSubjects,
  parseConnectionEvent,
  type ConnectionEvent,
  type Issuer,
} from "@switchboard/nats-auth";
import type { ServiceContext } from "@switchboard/runtime";
import { CREDENTIAL_HEALTH, SCHEMA } from "../migrations.js";
import type { TenancyDB } from "../tenancy.tables.js";

/**
 * Listens, as the issuer's system user, to what the NATS servers report about the application
 * account's connections, and counts them for the credentials' health:
 * - a connection accepted is a success;
 * - a connection refused at authentication (a bad, revoked or expired credential), or closed by the
 *   server for an authorization reason (revoked, expired), is a failure, with the server's reason.
 * Other ends of a connection (closed by the client, a server shutdown, a slow consumer) count as
 * neither. Events of users that are not an org's credential (Switchboard's own services) are
 * dropped. Replicas listen in one queue group, so each event is counted once; a cluster's servers
 * send their events to every server's system account subscribers.
 */
export interface ConnectionActivity {
  start(): Promise<void>;
  stop(): Promise<void>;
}

const QUEUE = "tenancy";

export function connectionActivity(options: {
  ctx: Pick<ServiceContext, "connectNats">;
  db: Kysely<TenancyDB>;
  issuer: Issuer;
  logger: Logger;
}): ConnectionActivity {
  const { db, issuer } = options;
  const logger = options.logger.child({ component: "nats-connections" });
  const writer = new HealthCountWriter(db, CREDENTIAL_HEALTH, (error) =>
    logger.warn({ err: error }, "NATS credential health counts were not written"),
  );
  let nc: NatsConnection | undefined;
  let queued: ConnectionEvent[] = [];
  let resolving: Promise<void> | undefined;

  // Events come one at a time; those that arrive while one lookup runs share the next.
  const resolveAll = async (): Promise<void> => {
    while (queued.length > 0) {
      const events = queued;
      queued = [];
      try {
        writer.add(await countsOf(db, events));
      } catch (error) {
        logger.warn({ err: error }, "NATS connection events were not counted");
      }
    }
    resolving = undefined;
  };

  const heard = (subject: string, data: Uint8Array): void => {
    const event = parseConnectionEvent(subject, data);
    if (event === undefined || (event.kind === "disconnected" && !event.authorization)) return;
    queued.push(event);
    resolving ??= resolveAll();
  };

  return {
    async start() {
      const conn = await options.ctx.connectNats("tenancy-nats-connections", {
        creds: issuer.systemUserCreds,
      });
      nc = conn;
      const subjects = connectionEventSubjects(issuer.accountPublicKey);
      for (const subject of subjects)
        conn.subscribe(subject, {
          queue: QUEUE,
          callback: (error, msg) => {
            if (error === null) return heard(msg.subject, msg.data);
            // A system user made before it was given these subjects (an older trust chain) is refused them.
            logger.warn(
              { err: error, subject },
              "cannot listen to NATS connection events; credentials show no connections (an issuer made by an earlier version: `switchboard nats issuer <dir>` writes one with a system user that may)",
            );
          },
        });
      await conn.flush();
      logger.debug({ subjects }, "listening to NATS connection events");
    },
    async stop() {
      await nc?.drain().catch(() => undefined);
      nc = undefined;
      await resolving;
      await writer.drain();
    },
  };
}

/** The events of known credentials as counts, each under its credential's org and id. */
async function countsOf(db: Kysely<TenancyDB>, events: ConnectionEvent[]): Promise<HealthCount[]> {
  const known = await db
    .withSchema(SCHEMA)
    .selectFrom("nats_credentials")
    .select(["id", "org_id", "public_key"])
    .where("public_key", "in", [...new Set(events.map((e) => e.user))])
    .execute();
  const byKey = new Map(known.map((k) => [k.public_key, k]));
  return events.flatMap((event): HealthCount[] => {
    const credential = byKey.get(event.user);
    if (credential === undefined) return [];
    const at = event.at.getTime();
    const counted = noCount(credential.org_id, credential.id, at);
    if (event.kind === "connected") return [{ ...counted, succeeded: 1, lastSuccessAt: at }];
    const how = event.kind === "refused" ? "refused" : "closed";
    return [
      { ...counted, failed: 1, lastFailureAt: at, lastFailureReason: `connection ${how}: ${event.reason}` },
    ];
  });
}
