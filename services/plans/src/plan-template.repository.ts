import type { Kysely } from "kysely";
import { SCHEMA } from "./migrations.js";

export interface PlanTemplate {
  name: string;
  roles: string[];
  forms: string[];
  workQueues: string[];
  createdAt: string;
}

type Row = {
  name: string;
  roles: string[];
  forms: string[];
  work_queues: string[];
  created_at: Date | string;
};

const toTemplate = (r: Row): PlanTemplate => ({
  name: r.name,
  roles: r.roles,
  forms: r.forms,
  workQueues: r.work_queues,
  createdAt: new Date(r.created_at).toISOString(),
});

/** Inserts a template; undefined when the org already has one of that name. */
export async function insertTemplate(
  db: Kysely<any>,
  orgId: string,
  t: { name: string; roles: string[]; forms: string[]; workQueues: string[] },
): Promise<PlanTemplate | undefined> {
  const row = await db
    .withSchema(SCHEMA)
    .insertInto("plan_templates")
    .values({
      org_id: orgId,
      name: t.name,
      roles: JSON.stringify(t.roles),
      forms: JSON.stringify(t.forms),
      work_queues: JSON.stringify(t.workQueues),
    })
    .onConflict((oc) => oc.columns(["org_id", "name"]).doNothing())
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : toTemplate(row as Row);
}

export async function findTemplate(
  db: Kysely<any>,
  orgId: string,
  name: string,
): Promise<PlanTemplate | undefined> {
  const row = await db
    .withSchema(SCHEMA)
    .selectFrom("plan_templates")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("name", "=", name)
    .executeTakeFirst();
  return row === undefined ? undefined : toTemplate(row as Row);
}

export async function listTemplates(db: Kysely<any>, orgId: string): Promise<PlanTemplate[]> {
  const rows = await db
    .withSchema(SCHEMA)
    .selectFrom("plan_templates")
    .selectAll()
    .where("org_id", "=", orgId)
    .orderBy("name")
    .execute();
  return rows.map((r) => toTemplate(r as Row));
}
