/**
 * A small in-memory cache with single-flight: a value is computed at most once per
 * `ttlMs` per key, however many callers ask at once; callers that arrive while it is
 * being computed wait for that same computation. Failures are not kept. Bounded: past
 * `maxEntries` the oldest entries go.
 *
 * With `staleMs`, a value that expired less than `staleMs` ago is still answered at once
 * while its replacement is computed (once), so callers do not queue behind a slow load
 * each period (stale-while-revalidate).
 *
 * ```ts
 * const pages = new TtlCache<string, Page>({ ttlMs: 5_000 });
 * const page = await pages.get(slug, () => computePage(slug));
 * ```
 */
export interface TtlCacheOptions {
  ttlMs: number;
  /** How long past its expiry a value is still answered while it is recomputed; 0 (the default): never. */
  staleMs?: number;
  maxEntries?: number;
  now?: () => number;
}

interface Entry<V> {
  value: Promise<V>;
  /** Epoch ms after which the value is computed again; Infinity while it is in flight. */
  expires: number;
  /** The value this one replaces, answered until it is ready (stale-while-revalidate). */
  previous?: Entry<V>;
}

export class TtlCache<K, V> {
  #entries = new Map<K, Entry<V>>();
  #ttlMs: number;
  #staleMs: number;
  #maxEntries: number;
  #now: () => number;
  /** Computations started (for tests and benchmarks). */
  loads = 0;

  constructor(options: TtlCacheOptions) {
    this.#ttlMs = options.ttlMs;
    this.#staleMs = options.staleMs ?? 0;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  get(key: K, load: () => Promise<V>): Promise<V> {
    const entry = this.#entries.get(key);
    const now = this.#now();
    if (entry?.expires === Infinity) {
      // Being computed: the value it replaces while that is recent enough, else wait.
      const previous = entry.previous;
      return previous && previous.expires + this.#staleMs > now ? previous.value : entry.value;
    }
    if (entry && entry.expires > now) return entry.value;
    this.loads++;
    const value = load();
    const fresh: Entry<V> = { value, expires: Infinity };
    const stale = entry && entry.expires !== Infinity && entry.expires + this.#staleMs > now;
    if (stale) fresh.previous = entry;
    this.#entries.delete(key);
    this.#entries.set(key, fresh);
    value.then(
      () => {
        fresh.expires = this.#now() + this.#ttlMs;
        fresh.previous = undefined;
      },
      () => {
        if (this.#entries.get(key) !== fresh) return;
        // A failed recomputation leaves the value it was to replace, still going stale.
        if (fresh.previous) this.#entries.set(key, fresh.previous);
        else this.#entries.delete(key);
      },
    );
    while (this.#entries.size > this.#maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value as K);
    }
    return stale ? entry.value : value;
  }

  /** Forgets one key (after a change its owner made) or everything. */
  delete(key?: K): void {
    if (key === undefined) this.#entries.clear();
    else this.#entries.delete(key);
  }
}
