import { sql, type Kysely, type Selectable } from "kysely";
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

/** Plans by id, of any orgs, in one statement; undefined where the org has no plan of that id. */
export async function findPlansById(
  db: Kysely<PlansDB>,
  refs: readonly { orgId: string; id: string }[],
): Promise<(Plan | undefined)[]> {
  if (refs.length === 0) return [];
  const rows = await db
    .withSchema(SCHEMA)
    .selectFrom("plans")
    .selectAll()
    .where("id", "in", [...new Set(refs.map((r) => r.id))])
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return refs.map((ref) => {
    const row = byId.get(ref.id);
    return row === undefined || row.org_id !== ref.orgId ? undefined : toPlan(row);
  });
}

export interface UserPlansQuery {
  orgId: string;
  userId: string;
  templateName?: string | undefined;
}

/**
 * listPlans for many users' filters in one statement: each query's plans, newest first, up to
 * `limit` each (every query looked up through the org/user index on its own).
 */
export async function listPlansOfUsers(
  db: Kysely<PlansDB>,
  queries: readonly UserPlansQuery[],
  limit: number,
): Promise<Plan[][]> {
  if (queries.length === 0) return [];
  const { rows } = await sql<Row & { n: string }>`
    select p.*, k.n from unnest(${queries.map((q) => q.orgId)}::text[], ${queries.map((q) => q.userId)}::text[],
      ${queries.map((q) => q.templateName ?? null)}::text[]) with ordinality as k(org_id, user_id, template_name, n)
    cross join lateral (select * from ${sql.table(`${SCHEMA}.plans`)} p
      where p.org_id = k.org_id and p.user_id = k.user_id
        and (k.template_name is null or p.template_name = k.template_name)
      order by p.created_at desc limit ${limit}) p
    order by k.n, p.created_at desc`.execute(db);
  const found: Plan[][] = queries.map(() => []);
  for (const row of rows) found[Number(row.n) - 1]!.push(toPlan(row));
  return found;
}
