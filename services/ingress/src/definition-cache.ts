import { ErrorCodes, isSwitchboardError } from "@switchboard/errors";
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

type Entry = { declaration: Declaration | undefined; fetchedAt: number };

/**
 * Declared payload schemas per org and name, compiled once. A change notice drops an org's
 * entries; the TTL makes up for a lost notice. Concurrent misses share one fetch, and a fetch that
 * was under way when its org changed is not stored, so a notice is never undone by a late answer.
 */
export class DefinitionCache {
  readonly #fetch: DefinitionCacheOptions["fetch"];
  readonly #compile: NonNullable<DefinitionCacheOptions["compile"]>;
  readonly #ttlMs: number;
  readonly #staleMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #orgs = new Map<string, Map<string, Entry>>();
  readonly #loading = new Map<string, Map<string, Promise<Declaration | undefined>>>();
  // Bumped on every drop: a fetch stores its answer only if its org's generation did not move.
  readonly #generations = new Map<string, number>();
  #size = 0;

  constructor(options: DefinitionCacheOptions) {
    this.#fetch = options.fetch;
    this.#compile = options.compile ?? compilePayloadValidator;
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#staleMs = options.staleMs ?? 600_000;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.nowMs ?? Date.now;
  }

  /** The declaration, or undefined when the name is not declared for the org. */
  get(orgId: string, name: string): Promise<Declaration | undefined> {
    const entry = this.#orgs.get(orgId)?.get(name);
    if (entry !== undefined && this.#now() - entry.fetchedAt < this.#ttlMs) {
      return Promise.resolve(entry.declaration);
    }
    const loading = this.#loadingOf(orgId);
    let pending = loading.get(name);
    if (pending === undefined) {
      pending = this.#load(orgId, name, entry).finally(() => {
        if (loading.get(name) === pending) loading.delete(name);
      });
      loading.set(name, pending);
    }
    return pending;
  }

  /** The org's definitions changed: ask again next time. */
  dropOrg(orgId: string): void {
    this.#generations.set(orgId, this.#generationOf(orgId) + 1);
    this.#size -= this.#orgs.get(orgId)?.size ?? 0;
    this.#orgs.delete(orgId);
    this.#loading.delete(orgId);
  }

  /** Every org may have changed (e.g. notices were lost while NATS was away). */
  clear(): void {
    for (const orgId of new Set([...this.#orgs.keys(), ...this.#loading.keys()])) this.dropOrg(orgId);
  }

  async #load(orgId: string, name: string, previous: Entry | undefined): Promise<Declaration | undefined> {
    const generation = this.#generationOf(orgId);
    let declared: DeclaredSchema | null;
    try {
      declared = await this.#fetch(orgId, name);
    } catch (error) {
      // Schemas rarely change: better a recent answer than refusing every event while the owner restarts.
      if (previous !== undefined && unreachable(error) && this.#now() - previous.fetchedAt < this.#staleMs) {
        return previous.declaration;
      }
      throw error;
    }
    const declaration = declared === null ? undefined : this.#declare(orgId, declared, previous);
    if (this.#generationOf(orgId) === generation) this.#store(orgId, name, declaration);
    return declaration;
  }

  /** Compiles only what changed: a refetch of the same version keeps its validator. */
  #declare(orgId: string, declared: DeclaredSchema, previous: Entry | undefined): Declaration {
    const known = previous?.declaration;
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

  #store(orgId: string, name: string, declaration: Declaration | undefined): void {
    if (this.#size >= this.#maxEntries) this.clear();
    let names = this.#orgs.get(orgId);
    if (names === undefined) this.#orgs.set(orgId, (names = new Map()));
    if (!names.has(name)) this.#size++;
    names.set(name, { declaration, fetchedAt: this.#now() });
  }

  #loadingOf(orgId: string): Map<string, Promise<Declaration | undefined>> {
    let loading = this.#loading.get(orgId);
    if (loading === undefined) this.#loading.set(orgId, (loading = new Map()));
    return loading;
  }

  #generationOf(orgId: string): number {
    return this.#generations.get(orgId) ?? 0;
  }
}

function unreachable(error: unknown): boolean {
  return (
    isSwitchboardError(error) && (error.code === ErrorCodes.Unavailable || error.code === ErrorCodes.Timeout)
  );
}
