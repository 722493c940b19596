import { sql, type Kysely, type Selectable, type Transaction } from "kysely";
import type { CredentialAccess } from "@switchboard/nats-auth";
import { SCHEMA } from "../migrations.js";
import type { TenancyDB } from "../tenancy.tables.js";

/** A NATS credential as the API shows it: never its seed, which only the creating response holds. */
export interface NatsCredentialRecord {
  id: string;
  orgId: string;
  name: string;
  access: CredentialAccess[];
  publicKey: string;
  expiresAt: string | null;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

type Db = Kysely<TenancyDB> | Transaction<TenancyDB>;

type Row = Selectable<TenancyDB["nats_credentials"]>;

const COLUMNS = [
  "id",
  "org_id",
  "name",
  "access",
  "public_key",
  "expires_at",
  "created_at",
  "created_by",
  "revoked_at",
  "revoked_by",
] as const;

const iso = (value: Date | string | null): string | null =>
  value === null ? null : new Date(value).toISOString();

function toRecord(row: Row): NatsCredentialRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    access: row.access,
    publicKey: row.public_key,
    expiresAt: iso(row.expires_at),
    createdAt: iso(row.created_at)!,
    createdBy: row.created_by,
    revokedAt: iso(row.revoked_at),
    revokedBy: row.revoked_by,
  };
}

export async function insertCredential(
  db: Db,
  c: {
    id: string;
    orgId: string;
    name: string;
    access: CredentialAccess[];
    publicKey: string;
    expiresAt: Date | null;
    createdBy: string;
  },
): Promise<NatsCredentialRecord> {
  const row = await db
    .withSchema(SCHEMA)
    .insertInto("nats_credentials")
    .values({
      id: c.id,
      org_id: c.orgId,
      name: c.name,
      access: JSON.stringify(c.access),
      public_key: c.publicKey,
      expires_at: c.expiresAt,
      created_by: c.createdBy,
    })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  return toRecord(row);
}

export async function findCredential(
  db: Db,
  orgId: string,
  id: string,
): Promise<NatsCredentialRecord | undefined> {
  const row = await db
    .withSchema(SCHEMA)
    .selectFrom("nats_credentials")
    .select(COLUMNS)
    .where("org_id", "=", orgId)
    .where("id", "=", id)
    .executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

export async function listCredentials(db: Db, orgId: string): Promise<NatsCredentialRecord[]> {
  const rows = await db
    .withSchema(SCHEMA)
    .selectFrom("nats_credentials")
    .select(COLUMNS)
    .where("org_id", "=", orgId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return rows.map(toRecord);
}

/** Marks the credential revoked; undefined when it was revoked already (or is not the org's). */
export async function markRevoked(
  db: Db,
  orgId: string,
  id: string,
  revokedBy: string,
): Promise<NatsCredentialRecord | undefined> {
  const row = await db
    .withSchema(SCHEMA)
    .updateTable("nats_credentials")
    .set({ revoked_at: sql`now()`, revoked_by: revokedBy })
    .where("org_id", "=", orgId)
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .returning(COLUMNS)
    .executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

/**
 * The revocations the account JWT must carry: every revoked credential the server would still
 * accept otherwise (one that expired is refused anyway and can be left out).
 */
export async function activeRevocations(db: Db, now: Date): Promise<Record<string, number>> {
  const rows = await db
    .withSchema(SCHEMA)
    .selectFrom("nats_credentials")
    .select(["public_key", "revoked_at"])
    .where("revoked_at", "is not", null)
    .$narrowType<{ revoked_at: Date }>()
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
    .execute();
  const revocations: Record<string, number> = {};
  for (const row of rows) {
    // JWTs of the key issued at or before this second are refused. No other JWT of the key is ever
    // issued, so a minute of margin covers clocks that disagree (the JWT's, the database's).
    revocations[row.public_key] = Math.ceil(new Date(row.revoked_at).getTime() / 1000) + 60;
  }
  return revocations;
}

export async function recordAudit(
  db: Db,
  entry: { orgId: string; credentialId: string; action: "created" | "revoked"; actor: string },
): Promise<void> {
  await db
    .withSchema(SCHEMA)
    .insertInto("nats_credential_audit")
    .values({
      org_id: entry.orgId,
      credential_id: entry.credentialId,
      action: entry.action,
      actor: entry.actor,
    })
    .execute();
}

export interface AuditEntry {
  action: "created" | "revoked";
  actor: string;
  at: string;
}

export async function auditOf(db: Db, orgId: string, credentialId: string): Promise<AuditEntry[]> {
  const rows = await db
    .withSchema(SCHEMA)
    .selectFrom("nats_credential_audit")
    .select(["action", "actor", "at"])
    .where("org_id", "=", orgId)
    .where("credential_id", "=", credentialId)
    .orderBy("id")
    .execute();
  return rows.map((r) => ({
    action: r.action,
    actor: r.actor,
    at: iso(r.at)!,
  }));
}
