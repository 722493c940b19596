import type { Kysely, Selectable } from "kysely";
import { SCHEMA } from "./migrations.js";
import type { TenancyDB } from "./tenancy.tables.js";

export interface Org {
  id: string;
  name: string;
  createdAt: string;
}

type Row = Selectable<TenancyDB["orgs"]>;

function toOrg(row: Row): Org {
  return { id: row.id, name: row.name, createdAt: new Date(row.created_at).toISOString() };
}

/** Inserts the org; returns undefined when the id is taken. */
export async function insertOrg(
  db: Kysely<TenancyDB>,
  org: { id: string; name: string },
): Promise<Org | undefined> {
  const row = await db
    .withSchema(SCHEMA)
    .insertInto("orgs")
    .values(org)
    .onConflict((oc) => oc.column("id").doNothing())
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : toOrg(row);
}

export async function findOrg(db: Kysely<TenancyDB>, id: string): Promise<Org | undefined> {
  const row = await db
    .withSchema(SCHEMA)
    .selectFrom("orgs")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
  return row === undefined ? undefined : toOrg(row);
}

export async function listOrgs(db: Kysely<TenancyDB>): Promise<Org[]> {
  const rows = await db.withSchema(SCHEMA).selectFrom("orgs").selectAll().orderBy("id").execute();
  return rows.map(toOrg);
}
