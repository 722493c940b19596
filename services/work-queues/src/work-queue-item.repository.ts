import { sql, type Kysely, type Selectable, type SelectQueryBuilder } from "kysely";
import { SCHEMA } from "./migrations.js";
import type { WorkQueuesDB } from "./work-queues.tables.js";

export interface WorkQueueItem {
  id: string;
  queueName: string;
  planId: string;
  status: string;
  priority: number;
  serviceLocation: string | null;
  key: string | null;
  assignee: string | null;
  isTest: boolean;
  createdAt: string;
  updatedAt: string;
}

type Row = Selectable<WorkQueuesDB["items"]>;

const toItem = (r: Row): WorkQueueItem => ({
  id: r.id,
  queueName: r.queue_name,
  planId: r.plan_id,
  status: r.status,
  priority: r.priority,
  serviceLocation: r.service_location,
  key: r.key,
  assignee: r.assignee,
  isTest: r.is_test,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

export async function insertItem(
  db: Kysely<WorkQueuesDB>,
  orgId: string,
  item: Pick<
    WorkQueueItem,
    "id" | "queueName" | "planId" | "status" | "priority" | "serviceLocation" | "isTest" | "key" | "assignee"
  >,
): Promise<WorkQueueItem> {
  const row = await db
    .withSchema(SCHEMA)
    .insertInto("items")
    .values({
      id: item.id,
      org_id: orgId,
      queue_name: item.queueName,
      plan_id: item.planId,
      status: item.status,
      priority: item.priority,
      service_location: item.serviceLocation,
      key: item.key,
      assignee: item.assignee,
      is_test: item.isTest,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toItem(row);
}

/** Locks the item so concurrent status changes see each other's oldStatus. */
export function findItemForUpdate(
  db: Kysely<WorkQueuesDB>,
  orgId: string,
  id: string,
): Promise<WorkQueueItem | undefined> {
  return lockedItem(db, orgId, (q) => q.where("id", "=", id));
}

/** The item of a queue with this key, locked like findItemForUpdate. */
export function findItemByKeyForUpdate(
  db: Kysely<WorkQueuesDB>,
  orgId: string,
  queue: string,
  key: string,
): Promise<WorkQueueItem | undefined> {
  return lockedItem(db, orgId, (q) => q.where("queue_name", "=", queue).where("key", "=", key));
}

type ItemQuery = SelectQueryBuilder<WorkQueuesDB, "items", Row>;

async function lockedItem(
  db: Kysely<WorkQueuesDB>,
  orgId: string,
  which: (q: ItemQuery) => ItemQuery,
): Promise<WorkQueueItem | undefined> {
  const q = db.withSchema(SCHEMA).selectFrom("items").selectAll().where("org_id", "=", orgId);
  const row = await which(q).forUpdate().executeTakeFirst();
  return row === undefined ? undefined : toItem(row);
}

export async function findItem(
  db: Kysely<WorkQueuesDB>,
  orgId: string,
  id: string,
): Promise<WorkQueueItem | undefined> {
  const row = await db
    .withSchema(SCHEMA)
    .selectFrom("items")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("id", "=", id)
    .executeTakeFirst();
  return row === undefined ? undefined : toItem(row);
}

export async function updateItem(
  db: Kysely<WorkQueuesDB>,
  orgId: string,
  id: string,
  changes: { status: string; priority: number },
): Promise<WorkQueueItem> {
  const row = await db
    .withSchema(SCHEMA)
    .updateTable("items")
    .set({ status: changes.status, priority: changes.priority, updated_at: sql`now()` })
    .where("org_id", "=", orgId)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toItem(row);
}

export async function listItems(
  db: Kysely<WorkQueuesDB>,
  orgId: string,
  filter: { queue?: string; planId?: string; status?: string; assignee?: string; limit: number },
): Promise<WorkQueueItem[]> {
  let q = db.withSchema(SCHEMA).selectFrom("items").selectAll().where("org_id", "=", orgId);
  if (filter.queue !== undefined) q = q.where("queue_name", "=", filter.queue);
  if (filter.planId !== undefined) q = q.where("plan_id", "=", filter.planId);
  if (filter.status !== undefined) q = q.where("status", "=", filter.status);
  if (filter.assignee !== undefined) q = q.where("assignee", "=", filter.assignee);
  const rows = await q.orderBy("priority", "desc").orderBy("created_at").limit(filter.limit).execute();
  return rows.map(toItem);
}
