import type { Kysely, Selectable } from "kysely";
import { SCHEMA } from "./migrations.js";
import type { PlansDB, RoleAssignment } from "./plans.tables.js";

export type { RoleAssignment } from "./plans.tables.js";

export interface Plan {
  id: string;
  templateName: string;
  userId: string;
  isTest: boolean;
  roleAssignments: RoleAssignment[];
  createdAt: string;
}

type Row = Selectable<PlansDB["plans"]>;

const toPlan = (r: Row): Plan => ({
  id: r.id,
  templateName: r.template_name,
  userId: r.user_id,
  isTest: r.is_test,
  roleAssignments: r.role_assignments,
  createdAt: new Date(r.created_at).toISOString(),
});

export async function insertPlan(
  db: Kysely<PlansDB>,
  orgId: string,
  plan: Omit<Plan, "createdAt">,
): Promise<Plan> {
  const row = await db
    .withSchema(SCHEMA)
    .insertInto("plans")
    .values({
      id: plan.id,
      org_id: orgId,
      template_name: plan.templateName,
      user_id: plan.userId,
      is_test: plan.isTest,
      role_assignments: JSON.stringify(plan.roleAssignments),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toPlan(row);
}

export async function findPlan(db: Kysely<PlansDB>, orgId: string, id: string): Promise<Plan | undefined> {
  const row = await db
    .withSchema(SCHEMA)
    .selectFrom("plans")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("id", "=", id)
    .executeTakeFirst();
  return row === undefined ? undefined : toPlan(row);
}

export async function listPlans(
  db: Kysely<PlansDB>,
  orgId: string,
  filter: { userId?: string; templateName?: string; limit: number },
): Promise<Plan[]> {
  let q = db.withSchema(SCHEMA).selectFrom("plans").selectAll().where("org_id", "=", orgId);
  if (filter.userId !== undefined) q = q.where("user_id", "=", filter.userId);
  if (filter.templateName !== undefined) q = q.where("template_name", "=", filter.templateName);
  const rows = await q.orderBy("created_at", "desc").limit(filter.limit).execute();
  return rows.map(toPlan);
}
