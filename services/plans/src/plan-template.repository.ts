import type { Kysely, Selectable } from "kysely";
import { SCHEMA } from "./migrations.js";
import type { PlansDB } from "./plans.tables.js";

export interface PlanTemplate {
  name: string;
  roles: string[];
  forms: string[];
  workQueues: string[];
  createdAt: string;
}

type Row = Selectable<PlansDB["plan_templates"]>;

const toTemplate = (r: Row): PlanTemplate => ({
  name: r.name,
  roles: r.roles,
  forms: r.forms,
  workQueues: r.work_queues,
  createdAt: new Date(r.created_at).toISOString(),
});

/** Inserts a template; undefined when the org already has one of that name. */
export async function insertTemplate(
  db: Kysely<PlansDB>,
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
  return row === undefined ? undefined : toTemplate(row);
}

export async function findTemplate(
  db: Kysely<PlansDB>,
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
  return row === undefined ? undefined : toTemplate(row);
}

export async function listTemplates(db: Kysely<PlansDB>, orgId: string): Promise<PlanTemplate[]> {
  const rows = await db
    .withSchema(SCHEMA)
    .selectFrom("plan_templates")
    .selectAll()
    .where("org_id", "=", orgId)
    .orderBy("name")
    .execute();
  return rows.map(toTemplate);
}

/** Templates by name, of any orgs, in one statement; undefined where the org has none of that name. */
export async function findTemplatesByName(
  db: Kysely<PlansDB>,
  refs: readonly { orgId: string; name: string }[],
): Promise<(PlanTemplate | undefined)[]> {
  if (refs.length === 0) return [];
  const rows = await db
    .withSchema(SCHEMA)
    .selectFrom("plan_templates")
    .selectAll()
    .where("org_id", "in", [...new Set(refs.map((r) => r.orgId))])
    .where("name", "in", [...new Set(refs.map((r) => r.name))])
    .execute();
  const byKey = new Map(rows.map((r) => [JSON.stringify([r.org_id, r.name]), r]));
  return refs.map((ref) => {
    const row = byKey.get(JSON.stringify([ref.orgId, ref.name]));
    return row === undefined ? undefined : toTemplate(row);
  });
}
