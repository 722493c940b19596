import { sql, type Kysely, type Selectable } from "kysely";
import { jsonRecords } from "@switchboard/db";
import type { AssignmentStatus, FormsDB } from "./forms.tables.js";
import { SCHEMA } from "./migrations.js";

export type { AssignmentStatus } from "./forms.tables.js";

export interface FormAssignment {
  id: string;
  planId: string;
  formName: string;
  userId: string;
  prefill: Record<string, unknown>;
  isTest: boolean;
  status: AssignmentStatus;
  data: Record<string, unknown> | null;
  createdAt: string;
  submittedAt: string | null;
}

type Row = Selectable<FormsDB["form_assignments"]>;

const toAssignment = (r: Row): FormAssignment => ({
  id: r.id,
  planId: r.plan_id,
  formName: r.form_name,
  userId: r.user_id,
  prefill: r.prefill,
  isTest: r.is_test,
  status: r.status,
  data: r.data,
  createdAt: new Date(r.created_at).toISOString(),
  submittedAt: r.submitted_at === null ? null : new Date(r.submitted_at).toISOString(),
});

export type NewAssignment = Pick<
  FormAssignment,
  "id" | "planId" | "formName" | "userId" | "prefill" | "isTest"
>;

/** Inserts assignments (of any orgs) in one statement; answers them in the order given. */
export async function insertAssignments(
  db: Kysely<FormsDB>,
  assignments: readonly (NewAssignment & { orgId: string })[],
): Promise<FormAssignment[]> {
  if (assignments.length === 0) return [];
  // The rows go as one JSON parameter (jsonRecords), in the order given.
  const table = `${SCHEMA}.form_assignments`;
  const records = jsonRecords(
    table,
    assignments.map((a) => ({
      id: a.id,
      org_id: a.orgId,
      plan_id: a.planId,
      form_name: a.formName,
      user_id: a.userId,
      prefill: a.prefill,
      is_test: a.isTest,
    })),
  );
  const { rows } = await sql<Row>`insert into ${sql.table(table)}
      (id, org_id, plan_id, form_name, user_id, prefill, is_test, status)
    select id, org_id, plan_id, form_name, user_id, coalesce(prefill, 'null'::jsonb), is_test, 'assigned'
    from ${records}
    returning *`.execute(db);
  const byId = new Map(rows.map((r) => [r.id, toAssignment(r)]));
  return assignments.map((a) => byId.get(a.id)!);
}

/** Locks the row, so two submissions of one assignment cannot both pass the status check. */
export async function findAssignmentForUpdate(
  db: Kysely<FormsDB>,
  orgId: string,
  id: string,
): Promise<FormAssignment | undefined> {
  const row = await db
    .withSchema(SCHEMA)
    .selectFrom("form_assignments")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
  return row === undefined ? undefined : toAssignment(row);
}

export async function findAssignment(
  db: Kysely<FormsDB>,
  orgId: string,
  id: string,
): Promise<FormAssignment | undefined> {
  const row = await db
    .withSchema(SCHEMA)
    .selectFrom("form_assignments")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("id", "=", id)
    .executeTakeFirst();
  return row === undefined ? undefined : toAssignment(row);
}

export async function markSubmitted(
  db: Kysely<FormsDB>,
  orgId: string,
  id: string,
  data: unknown,
): Promise<FormAssignment> {
  const row = await db
    .withSchema(SCHEMA)
    .updateTable("form_assignments")
    .set({ status: "submitted", data: JSON.stringify(data), submitted_at: sql`now()` })
    .where("org_id", "=", orgId)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toAssignment(row);
}

export async function listAssignments(
  db: Kysely<FormsDB>,
  orgId: string,
  filter: { userId?: string; planId?: string; status?: AssignmentStatus; limit: number },
): Promise<FormAssignment[]> {
  let q = db.withSchema(SCHEMA).selectFrom("form_assignments").selectAll().where("org_id", "=", orgId);
  if (filter.userId !== undefined) q = q.where("user_id", "=", filter.userId);
  if (filter.planId !== undefined) q = q.where("plan_id", "=", filter.planId);
  if (filter.status !== undefined) q = q.where("status", "=", filter.status);
  const rows = await q.orderBy("created_at", "desc").limit(filter.limit).execute();
  return rows.map(toAssignment);
}
