import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { ParamsOf, plansContract } from "@switchboard/contracts";
import { NotFoundError, ValidationError } from "@switchboard/errors";
import { runIdempotent } from "@switchboard/db";
import { emitEvent, type EventSource } from "@switchboard/outbox";
import type { CommandMeta } from "@switchboard/runtime";
import { findTemplate } from "./plan-template.repository.js";
import { insertPlan, type Plan, type RoleAssignment } from "./plan.repository.js";
import type { PlansDB } from "./plans.tables.js";

export type CreatePlanInput = ParamsOf<typeof plansContract, "createPlan">;

/** Creates a plan and its planCreated event in one transaction; a repeated idempotency key replays. */
export async function createPlan(
  db: Kysely<PlansDB>,
  source: EventSource,
  meta: CommandMeta,
  input: CreatePlanInput,
): Promise<{ result: Plan; replayed: boolean }> {
  const request = { ...input, isTest: input.isTest ?? false, roleAssignments: input.roleAssignments ?? [] };
  return runIdempotent(
    db,
    source.schema,
    { orgId: meta.orgId, key: meta.idempotencyKey, operation: "createPlan", request },
    async (trx) => {
      const template = await findTemplate(trx, meta.orgId, request.templateName);
      if (template === undefined)
        throw new NotFoundError(`plan template "${request.templateName}" does not exist`);
      const unknown = request.roleAssignments
        .filter((a) => !template.roles.includes(a.roleId))
        .map((a) => a.roleId);
      if (unknown.length > 0) {
        throw new ValidationError(
          `role(s) ${unknown.map((r) => `"${r}"`).join(", ")} are not roles of template "${template.name}" (roles: ${template.roles.join(", ") || "none"})`,
        );
      }
      const plan = await insertPlan(trx, meta.orgId, {
        id: randomUUID(),
        templateName: template.name,
        userId: request.userId,
        isTest: request.isTest,
        roleAssignments: request.roleAssignments,
      });
      await emitEvent(trx, source, meta, "planCreated", {
        planId: plan.id,
        templateName: plan.templateName,
        userId: plan.userId,
        isTest: plan.isTest,
        roleAssignments: plan.roleAssignments,
      });
      return plan;
    },
  );
}
