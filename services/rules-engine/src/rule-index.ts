import type { Kysely } from "kysely";
import type { Logger } from "@switchboard/logger";
import type { CompiledRule } from "@switchboard/rules";
import { buildOrgRules, type IndexedDefinition, type OrgRules } from "./org-rules.js";
import { readRunnable, type OrgSnapshot } from "./runnable-rules.js";
import type { RulesEngineDB } from "./rules-engine.tables.js";

export type { IndexedDefinition } from "./org-rules.js";

const NO_RULES: readonly CompiledRule[] = Object.freeze([]);

/**
 * Every org's active, enabled, compiled rules and compiled inbound definitions, in memory, so the
 * engine's hot path is two map lookups. Reloads reuse what did not change (a definition of the same
 * version, a rule version), so a reload compiles only what was edited.
 *
 * Reloads may overlap (a notification during the periodic full reload): each takes a ticket when it
 * starts reading, and an org's entry is replaced only by a read that started after the one it holds,
 * so an older snapshot never overwrites a newer one.
 */
export class RuleIndex {
  readonly #logger: Logger;
  readonly #orgs = new Map<string, OrgRules>();
  readonly #readAt = new Map<string, number>();
  #tickets = 0;

  constructor(options: { logger: Logger }) {
    this.#logger = options.logger.child({ component: "rule-index" });
  }

  /** Loads every org; orgs that no longer have definitions or rules are dropped. */
  async load(db: Kysely<RulesEngineDB>): Promise<void> {
    const ticket = ++this.#tickets;
    const snapshot = await readRunnable(db, undefined);
    const orgs = new Set([...snapshot.keys(), ...this.#orgs.keys()]);
    for (const orgId of orgs) this.#apply(orgId, ticket, snapshot.get(orgId));
  }

  async reloadOrg(db: Kysely<RulesEngineDB>, orgId: string): Promise<void> {
    const ticket = ++this.#tickets;
    const snapshot = await readRunnable(db, orgId);
    this.#apply(orgId, ticket, snapshot.get(orgId));
  }

  definition(orgId: string, name: string): IndexedDefinition | undefined {
    return this.#orgs.get(orgId)?.definitions.get(name);
  }

  /** Every rule of a trigger: O(1) in the number of rules of other triggers and orgs. */
  rulesFor(orgId: string, kind: "inbound" | "event", name: string): readonly CompiledRule[] {
    return this.#orgs.get(orgId)?.rules.get(`${kind}:${name}`)?.all ?? NO_RULES;
  }

  /**
   * The rules to evaluate for a message: those of its trigger less the ones whose leading
   * equality on the payload cannot hold, so that rules waiting for other values cost nothing.
   */
  candidatesFor(
    orgId: string,
    kind: "inbound" | "event",
    name: string,
    payload: unknown,
  ): readonly CompiledRule[] {
    return this.#orgs.get(orgId)?.rules.get(`${kind}:${name}`)?.candidates(payload) ?? NO_RULES;
  }

  /** The rules whose pending timers a message of this trigger may cancel (`timer.cancelOn`). */
  cancellersFor(orgId: string, kind: "inbound" | "event", name: string): readonly CompiledRule[] {
    return this.#orgs.get(orgId)?.cancellers.get(`${kind}:${name}`) ?? NO_RULES;
  }

  /** Sizes, for logs and health output. */
  stats(): { orgs: number; definitions: number; rules: number } {
    let definitions = 0;
    let rules = 0;
    for (const org of this.#orgs.values()) {
      definitions += org.definitions.size;
      rules += org.byRule.size;
    }
    return { orgs: this.#orgs.size, definitions, rules };
  }

  #apply(orgId: string, ticket: number, snapshot: OrgSnapshot | undefined): void {
    if ((this.#readAt.get(orgId) ?? 0) > ticket) return;
    this.#readAt.set(orgId, ticket);
    if (snapshot === undefined) {
      this.#orgs.delete(orgId);
      return;
    }
    this.#orgs.set(orgId, buildOrgRules(orgId, snapshot, this.#orgs.get(orgId), this.#logger));
  }
}
