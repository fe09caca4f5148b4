/**
 * Only one publisher publishes: the one whose id is in the lease key. The lease expires
 * unless renewed, so a standby takes over within two lease periods of the leader dying.
 * Fencing: every publish checks the lease atomically inside Redis (see enqueue.ts), so a
 * leader that paused past its lease cannot publish after another took over.
 */
import type { Redis } from "../lib/redis.ts";

// Renew when we hold it, take it when nobody does; one round trip, atomic.
const ACQUIRE_OR_RENEW = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export class LeaderLease {
  readonly id = crypto.randomUUID();
  #redis: Redis;
  #key: string;
  #ttlMs: number;
  /** When this instance last renewed or took the lease (performance.now()). */
  #renewedAt: number | null = null;

  constructor(redis: Redis, key: string, ttlMs: number) {
    this.#redis = redis;
    this.#key = key;
    this.#ttlMs = ttlMs;
  }

  get key(): string {
    return this.#key;
  }

  /**
   * True when this instance holds the lease after the call. A lease renewed less than a
   * quarter of its time ago is not renewed again (a round trip per tick saved): it has
   * most of its time left, and every publish checks it in Redis anyway.
   */
  async acquireOrRenew(): Promise<boolean> {
    const now = performance.now();
    if (this.#renewedAt !== null && now - this.#renewedAt < this.#ttlMs / 4) return true;
    const held = await this.#redis.eval(ACQUIRE_OR_RENEW, 1, this.#key, this.id, this.#ttlMs);
    // From before the request: the lease runs at least that long.
    this.#renewedAt = held === 1 ? now : null;
    return held === 1;
  }

  /** A publish found the lease gone: the next call asks Redis. */
  lost(): void {
    this.#renewedAt = null;
  }

  /** Gives the lease up at shutdown, so a standby need not wait for it to expire. */
  async release(): Promise<void> {
    this.#renewedAt = null;
    await this.#redis.eval(RELEASE, 1, this.#key, this.id);
  }
}
