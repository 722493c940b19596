import type { Kysely, Selectable } from "kysely";
import { PROPOSABLE_COMMANDS, type ParamsOf, type workQueuesContract } from "@switchboard/contracts";
import { runIdempotent } from "@switchboard/db";
import {
  ConflictError,
  ErrorCodes,
  isSwitchboardError,
  NotFoundError,
  ValidationError,
} from "@switchboard/errors";
import type { CommandMeta, DomainParts } from "@switchboard/runtime";
import { planOf, putItem, type Outcome } from "./item-commands.js";
import { SCHEMA } from "./migrations.js";
import type { WorkQueuesDB } from "./work-queues.tables.js";

const FINAL = new Set<string>([
  ErrorCodes.Validation,
  ErrorCodes.NotFound,
  ErrorCodes.Conflict,
  ErrorCodes.InvalidName,
]);

type Row = Selectable<WorkQueuesDB["proposals"]>;

export interface Proposal {
  workQueueItemId: string;
  change: { service: string; command: string; params: Record<string, unknown> };
  status: Row["status"];
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
  /** What the change's command answered once applied, or why it failed. */
  outcome: unknown;
}

const toProposal = (r: Row): Proposal => ({
  workQueueItemId: r.item_id,
  change: r.change,
  status: r.status,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at === null ? null : new Date(r.decided_at).toISOString(),
  reason: r.reason,
  outcome: r.outcome,
});

/**
 * Puts an item on a queue for its assignee, holding a change that must not apply itself. The change
 * runs only when approved, with the key `<this command's key>/approved`, so it applies once however
 * often it is approved, and a failed attempt retried sends the same command again.
 */
export async function proposeChange(
  parts: DomainParts<WorkQueuesDB>,
  meta: CommandMeta,
  input: ParamsOf<typeof workQueuesContract, "proposeChange">,
): Promise<Outcome> {
  const { change, summary: _summary, ...item } = input;
  const target = `${change.service}.${change.command}`;
  if (!(PROPOSABLE_COMMANDS as readonly string[]).includes(target))
    throw new ValidationError(
      `a proposed change runs one of ${PROPOSABLE_COMMANDS.join(", ")}, not ${target}`,
    );
  const plan = await planOf(parts, meta, input.planId);
  const request = { ...item, serviceLocation: item.serviceLocation ?? null };
  return runIdempotent(
    parts.db,
    parts.source.schema,
    { orgId: meta.orgId, key: meta.idempotencyKey, operation: "proposeChange", request: input },
    async (trx) => {
      const created = await putItem(trx, parts, meta, request, plan);
      await trx
        .withSchema(SCHEMA)
        .insertInto("proposals")
        .values({
          item_id: created.id,
          org_id: meta.orgId,
          change: JSON.stringify(change),
          apply_key: `${meta.idempotencyKey ?? created.id}/approved`,
          status: "pending",
        })
        .execute();
      return created;
    },
  );
}

export async function findProposal(
  db: Kysely<WorkQueuesDB>,
  orgId: string,
  itemId: string,
): Promise<Row | undefined> {
  return db
    .withSchema(SCHEMA)
    .selectFrom("proposals")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("item_id", "=", itemId)
    .executeTakeFirst();
}

export async function showProposal(
  db: Kysely<WorkQueuesDB>,
  orgId: string,
  itemId: string,
): Promise<Proposal> {
  const row = await findProposal(db, orgId, itemId);
  if (row === undefined) throw new NotFoundError(`work queue item ${itemId} holds no proposed change`);
  return toProposal(row);
}

/**
 * Records the decision on a pending proposal; a second decision of the same kind changes nothing,
 * the other kind is a conflict. Returns the proposal as the decision left it.
 */
async function decide(
  db: Kysely<WorkQueuesDB>,
  orgId: string,
  itemId: string,
  decision: { status: "approved" | "rejected"; by: string; reason: string | null },
): Promise<Row> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .withSchema(SCHEMA)
      .selectFrom("proposals")
      .selectAll()
      .where("org_id", "=", orgId)
      .where("item_id", "=", itemId)
      .forUpdate()
      .executeTakeFirst();
    if (row === undefined) throw new NotFoundError(`work queue item ${itemId} holds no proposed change`);
    if (row.status !== "pending") {
      const same = decision.status === "rejected" ? row.status === "rejected" : row.status !== "rejected";
      if (same) return row;
      throw new ConflictError(`the proposed change of work queue item ${itemId} was already ${row.status}`);
    }
    return trx
      .withSchema(SCHEMA)
      .updateTable("proposals")
      .set({
        status: decision.status,
        decided_by: decision.by,
        decided_at: new Date(),
        reason: decision.reason,
      })
      .where("item_id", "=", itemId)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

export async function rejectProposal(
  parts: DomainParts<WorkQueuesDB>,
  meta: CommandMeta,
  itemId: string,
  reason: string,
): Promise<Proposal> {
  return toProposal(
    await decide(parts.db, meta.orgId, itemId, { status: "rejected", by: meta.requestedBy, reason }),
  );
}

/**
 * Approves, then applies the change through its command with the proposal's own key: applied once,
 * however often it is approved. A transient failure leaves it approved (approving again retries the
 * same command); a permanent one marks it failed with the command's error.
 */
export async function approveProposal(
  parts: DomainParts<WorkQueuesDB>,
  meta: CommandMeta,
  itemId: string,
): Promise<Proposal> {
  const row = await decide(parts.db, meta.orgId, itemId, {
    status: "approved",
    by: meta.requestedBy,
    reason: null,
  });
  if (row.status !== "approved") return toProposal(row);
  let outcome: { status: "applied" | "failed"; outcome: unknown };
  try {
    const result = await parts.call(row.change.service, row.change.command, {
      orgId: meta.orgId,
      idempotencyKey: row.apply_key,
      requestedBy: meta.requestedBy,
      traceId: meta.traceId,
      params: row.change.params,
    });
    outcome = { status: "applied", outcome: result };
  } catch (error) {
    // Only what a retry cannot fix is final; anything else leaves the proposal approved, to approve again.
    if (!isSwitchboardError(error) || !FINAL.has(error.code)) throw error;
    outcome = { status: "failed", outcome: { code: error.code, message: error.message } };
  }
  const done = await parts.db
    .withSchema(SCHEMA)
    .updateTable("proposals")
    .set({ status: outcome.status, outcome: JSON.stringify(outcome.outcome) })
    .where("item_id", "=", itemId)
    .where("status", "=", "approved")
    .returningAll()
    .executeTakeFirst();
  return toProposal(done ?? (await findProposal(parts.db, meta.orgId, itemId))!);
}
