import { randomUUID } from "node:crypto";
import { NotFoundError, ValidationError } from "@switchboard/errors";
import { Batcher } from "@switchboard/bus";
import { runIdempotentBatch, type BatchOutcome } from "@switchboard/db";
import { emitClaimedEvents } from "@switchboard/outbox";
import type { ParamsOf, ResultOf, formsContract, plansContract } from "@switchboard/contracts";
import type { CommandMeta, DomainParts } from "@switchboard/runtime";
import { insertAssignments, type FormAssignment } from "./form-assignment.repository.js";
import type { FormsDB } from "./forms.tables.js";

export type AssignFormInput = ParamsOf<typeof formsContract, "assignForm">;

type PlanView = ResultOf<typeof plansContract, "getPlan">;

/**
 * The plan the form goes on, with its template: by id, or the user's most recent plan of the named
 * template. findPlans answers the template too; a plans service older than that does not, and is
 * asked getPlan for it.
 */
export async function resolvePlan(
  parts: DomainParts<FormsDB>,
  meta: CommandMeta,
  input: Pick<AssignFormInput, "planId" | "plan" | "userId">,
): Promise<PlanView> {
  let planId = input.planId;
  if (planId === undefined) {
    const templateName = input.plan!.templateName;
    const found = await parts.commands.plans.findPlans({
      orgId: meta.orgId,
      params: { userId: input.userId, templateName },
    });
    const plan = found.plans[0];
    if (plan === undefined)
      throw new NotFoundError(`user "${input.userId}" has no plan of template "${templateName}"`);
    if (found.templates !== undefined)
      return { plan, template: found.templates.find((t) => t.name === plan.templateName) ?? null };
    planId = plan.id;
  }
  return parts.commands.plans.getPlan({ orgId: meta.orgId, params: { planId } });
}

interface Assignment {
  meta: CommandMeta;
  input: AssignFormInput;
  plan: PlanView["plan"];
}

type AssignOutcome = BatchOutcome<FormAssignment>;

/** Each forms service's assignments in flight, written a batch at a time (one per service's parts). */
const batchers = new WeakMap<DomainParts<FormsDB>, Batcher<Assignment, AssignOutcome>>();

function batcherOf(parts: DomainParts<FormsDB>): Batcher<Assignment, AssignOutcome> {
  let batcher = batchers.get(parts);
  if (batcher === undefined) {
    // A rules-engine batch's assignments (256 in flight by default) in one transaction, not four.
    batcher = new Batcher((items) => writeAssignments(parts, items), { maxBatch: 256, maxRunning: 4 });
    batchers.set(parts, batcher);
  }
  return batcher;
}

/**
 * Assigns a form on a plan and emits formAssigned, once per idempotency key. Assignments asked for
 * at the same time (the rules engine sends a batch's side by side) are written together: one
 * transaction, one statement each for their keys, assignments, events and results.
 */
export async function assignForm(
  parts: DomainParts<FormsDB>,
  meta: CommandMeta,
  input: AssignFormInput,
): Promise<{ result: FormAssignment; replayed: boolean }> {
  const { plan, template } = await resolvePlan(parts, meta, input);
  checkFormOf(template, input.formName);
  const outcome = await batcherOf(parts).submit({ meta, input, plan });
  if (!outcome.ok) throw outcome.error;
  return { result: outcome.result, replayed: outcome.replayed };
}

function writeAssignments(
  parts: DomainParts<FormsDB>,
  items: readonly Assignment[],
): Promise<AssignOutcome[]> {
  const commands = items.map((item) => ({
    item,
    orgId: item.meta.orgId,
    key: item.meta.idempotencyKey,
    operation: "assignForm",
    // The key guards the request as the caller sent it (the plan it resolves to may change later).
    request: { ...item.input, prefill: item.input.prefill ?? {} },
  }));
  return runIdempotentBatch(parts.db, parts.source.schema, commands, async (trx, running, afterCommit) => {
    const assignments = await insertAssignments(
      trx,
      running.map(({ item, request }) => ({
        orgId: item.meta.orgId,
        id: randomUUID(),
        planId: item.plan.id,
        formName: request.formName,
        userId: request.userId,
        prefill: request.prefill,
        isTest: item.plan.isTest,
      })),
    );
    // Written claimed by the relay and handed to it after the commit: published at once, without a
    // relay pass to claim them.
    const rows = await emitClaimedEvents(
      trx,
      parts.source,
      running.map(({ item }, n) => {
        const a = assignments[n]!;
        return {
          cause: item.meta,
          eventType: "formAssigned",
          info: {
            planId: a.planId,
            formName: a.formName,
            formAssignmentId: a.id,
            userId: a.userId,
            prefill: a.prefill,
            isTest: a.isTest,
          },
        };
      }),
      parts.outbox.claim,
    );
    afterCommit(() => parts.outbox.publish(rows));
    return assignments;
  });
}

/** A template that lists its forms takes only those. */
export function checkFormOf(template: PlanView["template"], formName: string): void {
  if (template !== null && template.forms.length > 0 && !template.forms.includes(formName)) {
    throw new ValidationError(
      `form "${formName}" is not a form of template "${template.name}" (forms: ${template.forms.join(", ")})`,
    );
  }
}
