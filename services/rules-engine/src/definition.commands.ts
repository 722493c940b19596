import { rulesEngineContract, type InboundEventHealth } from "@switchboard/contracts";
import { assertInboundName, assertOrgId } from "@switchboard/events";
import { implement, type DomainParts, type ImplementedCommands } from "@switchboard/runtime";
import { findDefinition } from "./inbound-definition.repository.js";
import type { RulesEngineDB } from "./rules-engine.tables.js";

/**
 * `<ns>.cmd.rules-engine.*`: the declared payload schemas belong to the rules engine, so the HTTP
 * ingress asks for them here instead of reading this service's tables; and the declared events'
 * health, for the org's health route.
 */
export function definitionCommands(
  parts: DomainParts<RulesEngineDB>,
  health: (orgId: string) => Promise<InboundEventHealth[]>,
): ImplementedCommands {
  return implement(rulesEngineContract, {
    /** The declaration of one inbound event of the request's org, or null when it is not declared. */
    async getDefinition(req) {
      const name = assertInboundName(req.params.name);
      const found = await findDefinition(parts.db, assertOrgId(req.orgId), name);
      if (found === undefined) return null;
      return { name: found.name, version: found.version, schema: found.schema, updatedAt: found.updatedAt };
    },
    async inboundHealth(req) {
      return { inboundEvents: await health(assertOrgId(req.orgId)) };
    },
  });
}
