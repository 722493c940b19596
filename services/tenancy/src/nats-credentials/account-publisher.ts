import { sql, type Kysely } from "kysely";
import type { NatsConnection } from "@switchboard/bus";
import { UnavailableError } from "@switchboard/errors";
import type { Logger } from "@switchboard/logger";
import {
  applicationAccountJwt,
  CLAIMS_UPDATE_SUBJECT,
  parseClaimsUpdateReply,
  type Issuer,
} from "@switchboard/nats-auth";
import type { ServiceContext } from "@switchboard/runtime";
import { activeRevocations } from "./nats-credential.repository.js";
import type { TenancyDB } from "../tenancy.tables.js";

/**
 * Keeps the servers' copy of the application account current: the account JWT, re-signed with every
 * revocation in force, pushed over the system account to the account resolver, which closes revoked
 * users' connections at once and passes the JWT to the other servers of a cluster.
 */
export interface AccountPublisher {
  /** Pushes the account as the database has it now; resolves once a server accepted it. */
  publish(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface AccountPublisherOptions {
  ctx: Pick<ServiceContext, "connectNats">;
  db: Kysely<TenancyDB>;
  issuer: Issuer;
  logger: Logger;
  now: () => Date;
  /** How often the account is pushed anyway (after a failed push, after a server lost it). Default 60 s. */
  everyMs?: number;
}

const PUSH_TIMEOUT_MS = 5_000;

export function createAccountPublisher(options: AccountPublisherOptions): AccountPublisher {
  const { db, issuer, now } = options;
  const logger = options.logger.child({ component: "nats-account" });
  let nc: NatsConnection | undefined;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> = Promise.resolve();

  const publish = async (): Promise<void> => {
    if (nc === undefined) throw new UnavailableError("the NATS account publisher is not started");
    const conn = nc;
    // Under a lock, so that pushes from several tenancy replicas go out in order, each one with
    // every revocation committed before it: a push can never take back a newer one.
    await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext('tenancy.nats-account'))`.execute(trx);
      const jwt = await applicationAccountJwt(issuer, await activeRevocations(trx, now()));
      let reply;
      try {
        reply = await conn.request(CLAIMS_UPDATE_SUBJECT, jwt, { timeout: PUSH_TIMEOUT_MS });
      } catch (error) {
        throw new UnavailableError(`NATS did not take the account update: ${(error as Error).message}`, {
          cause: error,
        });
      }
      const confirmed = parseClaimsUpdateReply(reply.data);
      if (!confirmed.ok) throw new UnavailableError(confirmed.error);
    });
  };

  const tick = (): void => {
    ticking = ticking
      .then(publish)
      .catch((error: unknown) =>
        logger.warn({ err: error }, "pushing the NATS account failed; trying again"),
      );
  };

  return {
    publish,
    async start() {
      nc = await options.ctx.connectNats("tenancy-nats-account", { creds: issuer.systemUserCreds });
      tick();
      timer = setInterval(tick, options.everyMs ?? 60_000);
    },
    async stop() {
      clearInterval(timer);
      await ticking;
      await nc?.drain().catch(() => undefined);
      nc = undefined;
    },
  };
}
