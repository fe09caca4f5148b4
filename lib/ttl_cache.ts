/**
 * A small in-memory cache with single-flight: a value is computed at most once per
 * `ttlMs` per key, however many callers ask at once; callers that arrive while it is
 * being computed wait for that same computation. Failures are not kept. Bounded: past
 * `maxEntries` the oldest entries go.
 *
 * ```ts
 * const pages = new TtlCache<string, Page>({ ttlMs: 5_000 });
 * const page = await pages.get(slug, () => computePage(slug));
 * ```
 */
export interface TtlCacheOptions {
  ttlMs: number;
  maxEntries?: number;
  now?: () => number;
}

interface Entry<V> {
  value: Promise<V>;
  /** Epoch ms after which the value is computed again; Infinity while it is in flight. */
  expires: number;
}

export class TtlCache<K, V> {
  #entries = new Map<K, Entry<V>>();
  #ttlMs: number;
  #maxEntries: number;
  #now: () => number;
  /** Computations started (for tests and benchmarks). */
  loads = 0;

  constructor(options: TtlCacheOptions) {
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  get(key: K, load: () => Promise<V>): Promise<V> {
    const entry = this.#entries.get(key);
    if (entry && entry.expires > this.#now()) return entry.value;
    this.loads++;
    const value = load();
    const fresh: Entry<V> = { value, expires: Infinity };
    this.#entries.delete(key);
    this.#entries.set(key, fresh);
    value.then(
      () => {
        fresh.expires = this.#now() + this.#ttlMs;
      },
      () => {
        if (this.#entries.get(key) === fresh) this.#entries.delete(key);
      },
    );
    while (this.#entries.size > this.#maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value as K);
    }
    return value;
  }

  /** Forgets one key (after a change its owner made) or everything. */
  delete(key?: K): void {
    if (key === undefined) this.#entries.clear();
    else this.#entries.delete(key);
  }
}
