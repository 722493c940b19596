import type { Logger } from "@switchboard/logger";

/**
 * Runs index reloads one at a time and merges requests that arrive meanwhile: a burst of changes to
 * one org costs one reload after the current one, and a pending full reload covers every org.
 */
export class ReloadQueue {
  readonly #pendingOrgs = new Set<string>();
  #pendingAll = false;
  #running: Promise<void> | undefined;

  readonly #reloadOrg: (orgId: string) => Promise<void>;
  readonly #reloadAll: () => Promise<void>;
  readonly #logger: Logger;

  constructor(reloadOrg: (orgId: string) => Promise<void>, reloadAll: () => Promise<void>, logger: Logger) {
    this.#reloadOrg = reloadOrg;
    this.#reloadAll = reloadAll;
    this.#logger = logger;
  }

  org(orgId: string): void {
    this.#pendingOrgs.add(orgId);
    this.#kick();
  }

  all(): void {
    this.#pendingAll = true;
    this.#kick();
  }

  /** Resolves when nothing is queued or running. */
  async idle(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  #kick(): void {
    this.#running ??= this.#drain().finally(() => (this.#running = undefined));
  }

  async #drain(): Promise<void> {
    while (this.#pendingAll || this.#pendingOrgs.size > 0) {
      if (this.#pendingAll) {
        this.#pendingAll = false;
        this.#pendingOrgs.clear();
        await this.#attempt(() => this.#reloadAll(), { scope: "all" });
        continue;
      }
      const [orgId] = this.#pendingOrgs;
      this.#pendingOrgs.delete(orgId!);
      await this.#attempt(() => this.#reloadOrg(orgId!), { scope: orgId });
    }
  }

  async #attempt(reload: () => Promise<void>, context: { scope: string | undefined }): Promise<void> {
    try {
      await reload();
    } catch (error) {
      this.#logger.warn(
        { err: error, ...context },
        "rules reload failed; the next change or full reload retries",
      );
    }
  }
}
