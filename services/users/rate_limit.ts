/**
 * Attempt counters in Redis, e.g. 10 logins a minute per IP and per account. A window
 * opens with the first attempt (not on the clock's minute, which would let a burst
 * straddling a boundary through twice). Over the limit: TOO_MANY_REQUESTS with the
 * seconds until the window closes.
 */
import { DomainError } from "../errors.ts";
import type { Services } from "../context.ts";

export interface Limit {
  scope: string;
  key: string;
  max: number;
  windowSeconds: number;
}

export async function enforceRateLimits(services: Services, limits: Limit[]): Promise<void> {
  // A transaction: a counter must never be left without its expiry.
  const pipeline = services.redis.multi();
  for (const limit of limits) {
    const key = `${services.config.redisKeyPrefix}ratelimit:${limit.scope}:${limit.key}`;
    pipeline.incr(key).expire(key, limit.windowSeconds, "NX").pttl(key);
  }
  const replies = (await pipeline.exec()) ?? [];
  limits.forEach((limit, i) => {
    const [error, count] = replies[i * 3] ?? [];
    if (error) throw error;
    if (Number(count) > limit.max) {
      const ttl = Number(replies[i * 3 + 2]?.[1]);
      const retryAfterSeconds = ttl > 0 ? Math.ceil(ttl / 1000) : limit.windowSeconds;
      throw new DomainError(
        "TOO_MANY_REQUESTS",
        `Too many attempts; try again in ${retryAfterSeconds} s`,
        { retryAfterSeconds },
      );
    }
  });
}
