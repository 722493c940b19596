import type { SchemaRegistry } from "@switchboard/events";
import type { RefResolver } from "@switchboard/rules";
import type { DomainParts } from "@switchboard/runtime";
import type { RulesEngineDB } from "./rules-engine.tables.js";

/** What the rules engine's routes and use cases work with, beyond a domain service's parts. */
export interface RulesEngineParts extends DomainParts<RulesEngineDB> {
  /** System event schemas, for rules triggered by events. */
  schemas: SchemaRegistry;
  /** Resolves the `$ref`s between system event schema files. */
  eventRefs: RefResolver;
  /** Call after a committed change to an org's definitions or rules: every engine replica reloads it. */
  changed(orgId: string): void;
}
