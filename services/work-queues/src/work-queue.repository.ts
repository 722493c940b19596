import { sql, type Kysely, type Selectable } from "kysely";
import { SCHEMA } from "./migrations.js";
import type { WorkQueuesDB } from "./work-queues.tables.js";

export interface WorkQueue {
  name: string;
  statuses: string[];
  description: string | null;
  updatedAt: string;
}

type Row = Pick<Selectable<WorkQueuesDB["work_queues"]>, "name" | "statuses" | "description" | "updated_at">;

const toQueue = (r: Row): WorkQueue => ({
  name: r.name,
  statuses: r.statuses,
  description: r.description,
  updatedAt: new Date(r.updated_at).toISOString(),
});

/** Creates or replaces a queue's definition; returns it and whether it was new. */
export async function upsertQueue(
  db: Kysely<WorkQueuesDB>,
  orgId: string,
  q: { name: string; statuses: string[]; description?: string | undefined },
): Promise<{ queue: WorkQueue; created: boolean }> {
  const row = await db
    .withSchema(SCHEMA)
    .insertInto("work_queues")
    .values({
      org_id: orgId,
      name: q.name,
      statuses: JSON.stringify(q.statuses),
      description: q.description ?? null,
    })
    .onConflict((oc) =>
      oc.columns(["org_id", "name"]).doUpdateSet({
        statuses: JSON.stringify(q.statuses),
        description: q.description ?? null,
        updated_at: sql`now()`,
      }),
    )
    .returning(["name", "statuses", "description", "updated_at", sql<boolean>`xmax = 0`.as("inserted")])
    .executeTakeFirstOrThrow();
  return { queue: toQueue(row), created: Boolean(row.inserted) };
}

export async function findQueue(
  db: Kysely<WorkQueuesDB>,
  orgId: string,
  name: string,
): Promise<WorkQueue | undefined> {
  const row = await db
    .withSchema(SCHEMA)
    .selectFrom("work_queues")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("name", "=", name)
    .executeTakeFirst();
  return row === undefined ? undefined : toQueue(row);
}

export async function listQueues(db: Kysely<WorkQueuesDB>, orgId: string): Promise<WorkQueue[]> {
  const rows = await db
    .withSchema(SCHEMA)
    .selectFrom("work_queues")
    .selectAll()
    .where("org_id", "=", orgId)
    .orderBy("name")
    .execute();
  return rows.map(toQueue);
}
