/**
 * Consumer liveness: each worker keeps a key with a short TTL alive while it runs
 * (`workerAlive`). A consumer of the group whose key has expired and who has not touched
 * the stream for as long is dead; its pending tasks are taken over at once by a live
 * worker of the region, instead of waiting RECLAIM_IDLE_MS, by which time their slots
 * are worthless.
 */
import type { Redis } from "../lib/redis.ts";
import type { RedisKeys } from "../lib/redis_keys.ts";

/** A worker silent this long is dead. */
export const LIVENESS_TTL_MS = 10_000;
/** How often a worker renews its key: three renewals may fail before it counts as dead. */
export const HEARTBEAT_MS = 3_000;
/** How often a worker looks for dead consumers of its region. */
export const TAKEOVER_EVERY_MS = 5_000;

export interface ConsumerInfo {
  name: string;
  pending: number;
  /** Milliseconds since the consumer last read, claimed or acknowledged. */
  idleMs: number;
}

export class ConsumerLiveness {
  #redis: Redis;
  #keys: RedisKeys;
  #region: string;
  #consumer: string;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(o: { redis: Redis; keys: RedisKeys; region: string; consumer: string }) {
    this.#redis = o.redis;
    this.#keys = o.keys;
    this.#region = o.region;
    this.#consumer = o.consumer;
  }

  /** Announces this worker now and every {@link HEARTBEAT_MS} until {@link stop}. */
  async start(): Promise<void> {
    await this.#announce();
    this.#timer = setInterval(() => this.#announce().catch(() => {}), HEARTBEAT_MS);
  }

  /** Stops announcing and says goodbye, so the group need not wait for the key to expire. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#redis.del(this.#keys.workerAlive(this.#region, this.#consumer)).catch(() => {});
  }

  async #announce(): Promise<void> {
    const key = this.#keys.workerAlive(this.#region, this.#consumer);
    await this.#redis.set(key, String(Date.now()), "PX", LIVENESS_TTL_MS);
  }

  /** The consumers among `consumers` that are dead: no key, and silent for a whole TTL. */
  async dead(consumers: ConsumerInfo[]): Promise<ConsumerInfo[]> {
    const silent = consumers.filter((c) => c.name !== this.#consumer && c.idleMs > LIVENESS_TTL_MS);
    if (!silent.length) return [];
    const pipeline = this.#redis.pipeline();
    for (const c of silent) pipeline.exists(this.#keys.workerAlive(this.#region, c.name));
    const replies = (await pipeline.exec()) ?? [];
    return silent.filter((_, i) => {
      const [error, exists] = replies[i] ?? [];
      return !error && Number(exists) === 0;
    });
  }
}
