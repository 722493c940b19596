import { StaleCache } from "@switchboard/runtime";
import type { ResultOf, rulesEngineContract } from "@switchboard/contracts";
import { compilePayloadValidator, type PayloadValidator } from "./payload-validator.js";

/** What `rules-engine.getDefinition` answers for a declared inbound event. */
export type DeclaredSchema = NonNullable<ResultOf<typeof rulesEngineContract, "getDefinition">>;

/** A declaration ready for the hot path: its schema compiled. */
export interface Declaration {
  name: string;
  version: number;
  updatedAt: string;
  validate: PayloadValidator;
}

export interface DefinitionCacheOptions {
  /** Asks the owner of the declarations; null when the name is not declared for the org. */
  fetch: (orgId: string, name: string) => Promise<DeclaredSchema | null>;
  compile?: (schema: Record<string, unknown>, what: string) => PayloadValidator;
  /** Answers, "not declared" included, are asked again after this long even without a change notice. */
  ttlMs?: number;
  /** While the owner cannot be reached, an answer up to this old is still used. */
  staleMs?: number;
  maxEntries?: number;
  nowMs?: () => number;
}

/**
 * Declared payload schemas per org and name, compiled once. A change notice drops an org's
 * entries; the TTL makes up for a lost notice. Concurrent misses share one fetch, and a fetch that
 * was under way when its org changed is not stored, so a notice is never undone by a late answer.
 * While the owner cannot be reached an answer up to `staleMs` old is still used: schemas rarely
 * change, and better a recent answer than refusing every event while the owner restarts.
 */
export class DefinitionCache {
  readonly #compile: NonNullable<DefinitionCacheOptions["compile"]>;
  readonly #cache: StaleCache<Declaration | null>;

  constructor(options: DefinitionCacheOptions) {
    this.#compile = options.compile ?? compilePayloadValidator;
    this.#cache = new StaleCache({
      load: async (key, previous) => {
        const [orgId, name] = JSON.parse(key) as [string, string];
        const declared = await options.fetch(orgId, name);
        // "Not declared" is kept too (as null), until the org changes or the TTL runs out.
        return declared === null ? null : this.#declare(orgId, declared, previous ?? undefined);
      },
      ttlMs: options.ttlMs ?? 30_000,
      staleMs: options.staleMs ?? 600_000,
      max: options.maxEntries ?? 10_000,
      now: options.nowMs,
    });
  }

  /** The declaration, or undefined when the name is not declared for the org. */
  async get(orgId: string, name: string): Promise<Declaration | undefined> {
    return (await this.#cache.get(JSON.stringify([orgId, name]))) ?? undefined;
  }

  /** The org's definitions changed: ask again next time. */
  dropOrg(orgId: string): void {
    const prefix = `[${JSON.stringify(orgId)},`;
    this.#cache.deleteWhere((key) => key.startsWith(prefix));
  }

  /** Every org may have changed (e.g. notices were lost while NATS was away). */
  clear(): void {
    this.#cache.clear();
  }

  /** Compiles only what changed: a refetch of the same version keeps its validator. */
  #declare(orgId: string, declared: DeclaredSchema, known: Declaration | undefined): Declaration {
    if (known !== undefined && known.version === declared.version && known.updatedAt === declared.updatedAt) {
      return known;
    }
    return {
      name: declared.name,
      version: declared.version,
      updatedAt: declared.updatedAt,
      validate: this.#compile(declared.schema, `"${declared.name}" (org ${orgId})`),
    };
  }
}
