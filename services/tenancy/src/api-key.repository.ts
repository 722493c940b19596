import { sql, type Kysely, type Selectable } from "kysely";
import { SCHEMA } from "./migrations.js";
import type { TenancyDB } from "./tenancy.tables.js";

export interface ApiKeyRecord {
  id: string;
  orgId: string | null;
  name: string;
  roles: string[];
  createdAt: string;
}

type Row = Pick<Selectable<TenancyDB["api_keys"]>, "id" | "org_id" | "name" | "roles" | "created_at">;

function toKey(row: Row): ApiKeyRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    roles: row.roles,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export async function insertApiKey(
  db: Kysely<TenancyDB>,
  key: { id: string; orgId: string | null; name: string; roles: string[]; tokenHash: string },
): Promise<ApiKeyRecord> {
  const row = await db
    .withSchema(SCHEMA)
    .insertInto("api_keys")
    .values({
      id: key.id,
      org_id: key.orgId,
      name: key.name,
      roles: JSON.stringify(key.roles),
      token_hash: key.tokenHash,
    })
    .returning(["id", "org_id", "name", "roles", "created_at"])
    .executeTakeFirstOrThrow();
  return toKey(row);
}

/** The live key with this token hash, if any. */
export async function findKeyByHash(
  db: Kysely<TenancyDB>,
  tokenHash: string,
): Promise<ApiKeyRecord | undefined> {
  const row = await db
    .withSchema(SCHEMA)
    .selectFrom("api_keys")
    .select(["id", "org_id", "name", "roles", "created_at"])
    .where("token_hash", "=", tokenHash)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return row === undefined ? undefined : toKey(row);
}

export async function listOrgKeys(db: Kysely<TenancyDB>, orgId: string): Promise<ApiKeyRecord[]> {
  const rows = await db
    .withSchema(SCHEMA)
    .selectFrom("api_keys")
    .select(["id", "org_id", "name", "roles", "created_at"])
    .where("org_id", "=", orgId)
    .where("revoked_at", "is", null)
    .orderBy("created_at")
    .execute();
  return rows.map(toKey);
}

/** Revokes a key of the org; false when the org has no such live key. */
export async function revokeKey(db: Kysely<TenancyDB>, orgId: string, id: string): Promise<boolean> {
  const result = await db
    .withSchema(SCHEMA)
    .updateTable("api_keys")
    .set({ revoked_at: sql`now()` })
    .where("id", "=", id)
    .where("org_id", "=", orgId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function hasPlatformKey(db: Kysely<TenancyDB>): Promise<boolean> {
  const row = await db
    .withSchema(SCHEMA)
    .selectFrom("api_keys")
    .select("id")
    .where("org_id", "is", null)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return row !== undefined;
}
