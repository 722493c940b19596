import type { CommandHandler } from "@switchboard/bus";
import { assertInboundName, assertOrgId, compileParamsValidator } from "@switchboard/events";
import type { DomainParts } from "@switchboard/runtime";
import { findDefinition } from "./inbound-definition.repository.js";
import type { RulesEngineDB } from "./rules-engine.tables.js";

/** What another service may know of a declaration: enough to validate a payload, nothing more. */
export interface DeclaredSchema {
  name: string;
  version: number;
  schema: Record<string, unknown>;
  updatedAt: string;
}

const getParams = compileParamsValidator<{ name: string }>(
  {
    type: "object",
    properties: { name: { type: "string", minLength: 1, maxLength: 128 } },
    required: ["name"],
    additionalProperties: false,
  },
  "getDefinition params",
);

/**
 * `<ns>.cmd.rules-engine.*`: the declared payload schemas belong to the rules engine, so the HTTP
 * ingress asks for them here instead of reading this service's tables.
 */
export function definitionCommands(parts: DomainParts<RulesEngineDB>): Record<string, CommandHandler> {
  return {
    /** The declaration of one inbound event of the request's org, or null when it is not declared. */
    async getDefinition(req): Promise<DeclaredSchema | null> {
      const name = assertInboundName(getParams(req.params).name);
      const found = await findDefinition(parts.db, assertOrgId(req.orgId), name);
      if (found === undefined) return null;
      return { name: found.name, version: found.version, schema: found.schema, updatedAt: found.updatedAt };
    },
  };
}
