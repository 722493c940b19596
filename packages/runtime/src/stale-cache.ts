import { LRUCache } from "lru-cache";
import { ErrorCodes, isSwitchboardError } from "@switchboard/errors";

export interface StaleCacheOptions<V> {
  /** Asks the source; undefined when it has nothing for the key. `previous` is the last answer kept, however old. */
  load: (key: string, previous: V | undefined) => Promise<V | undefined>;
  /** How long an answer is trusted without asking again. */
  ttlMs: number;
  /** How long an answer is still used while the source cannot be reached (NATS away, its owner restarting). */
  staleMs: number;
  /** Answers kept; the least recently used go first. */
  max: number;
  /**
   * Where answers that there is nothing are kept: in an LRU of their own, so that a flood of them
   * pushes no value out, trusted for `ttlMs` and never used stale. Absent: not kept, asked again
   * every time (something made a moment later is found at once). A source whose "nothing" should
   * be kept with the values answers null instead.
   */
  misses?: { max: number };
  /** The clock; tests move it. */
  now?: () => number;
}

type Entry<V> = { value: V | undefined; at: number };
type Loading<V> = { promise: Promise<V | undefined> };

/**
 * Answers of another service, kept for `ttlMs`, bounded, and used up to `staleMs` while that
 * service cannot be reached (an Unavailable or Timeout error; any other failure is thrown as it
 * is). Concurrent misses of one key share one question, and an answer that arrives after its key
 * was deleted is not kept, so an invalidation is never undone by a late answer.
 */
export class StaleCache<V> {
  readonly #options: StaleCacheOptions<V>;
  readonly #now: () => number;
  readonly #values: LRUCache<string, Entry<V>>;
  readonly #misses: LRUCache<string, number> | undefined;
  readonly #loading = new Map<string, Loading<V>>();

  constructor(options: StaleCacheOptions<V>) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#values = new LRUCache({ max: options.max });
    this.#misses = options.misses === undefined ? undefined : new LRUCache({ max: options.misses.max });
  }

  /** The answer for `key`, undefined when the source has nothing for it. */
  get(key: string): Promise<V | undefined> {
    const now = this.#now();
    const hit = this.#values.get(key);
    if (hit !== undefined && now - hit.at < this.#options.ttlMs) return Promise.resolve(hit.value);
    const missAt = this.#misses?.get(key);
    if (missAt !== undefined && now - missAt < this.#options.ttlMs) return Promise.resolve(undefined);
    let loading = this.#loading.get(key);
    if (loading === undefined) {
      const started: Loading<V> = { promise: this.#load(key, hit, () => this.#loading.get(key) === started) };
      started.promise = started.promise.finally(() => {
        if (this.#loading.get(key) === started) this.#loading.delete(key);
      });
      this.#loading.set(key, (loading = started));
    }
    return loading.promise;
  }

  /** Forgets the key's answer; one on its way is not kept. */
  delete(key: string): void {
    this.#values.delete(key);
    this.#misses?.delete(key);
    this.#loading.delete(key);
  }

  /** Forgets the answers of every key that passes `test`; those on their way are not kept. */
  deleteWhere(test: (key: string) => boolean): void {
    for (const key of [...this.#values.keys(), ...(this.#misses?.keys() ?? []), ...this.#loading.keys()]) {
      if (test(key)) this.delete(key);
    }
  }

  /** Forgets every answer; those on their way are not kept. */
  clear(): void {
    this.#values.clear();
    this.#misses?.clear();
    this.#loading.clear();
  }

  async #load(key: string, previous: Entry<V> | undefined, current: () => boolean): Promise<V | undefined> {
    let value: V | undefined;
    try {
      value = await this.#options.load(key, previous?.value);
    } catch (error) {
      if (previous !== undefined && unreachable(error) && this.#now() - previous.at < this.#options.staleMs) {
        return previous.value;
      }
      throw error;
    }
    if (current()) this.#store(key, value);
    return value;
  }

  #store(key: string, value: V | undefined): void {
    if (value !== undefined) {
      this.#misses?.delete(key);
      this.#values.set(key, { value, at: this.#now() });
    } else {
      this.#values.delete(key);
      this.#misses?.set(key, this.#now());
    }
  }
}

/** The source did not answer (no responders, timed out), as opposed to answering with an error. */
function unreachable(error: unknown): boolean {
  return (
    isSwitchboardError(error) && (error.code === ErrorCodes.Unavailable || error.code === ErrorCodes.Timeout)
  );
}
