/**
 * Fixed-window attempt counters in Redis, e.g. 10 logins a minute per IP and per
 * account. Over the limit: TOO_MANY_REQUESTS with the seconds until the window ends.
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
  const now = Math.floor(Date.now() / 1000);
  const pipeline = services.redis.pipeline();
  for (const limit of limits) {
    const window = Math.floor(now / limit.windowSeconds);
    const key = `${services.config.redisKeyPrefix}ratelimit:${limit.scope}:${limit.key}:${window}`;
    pipeline.incr(key).expire(key, limit.windowSeconds + 1);
  }
  const replies = (await pipeline.exec()) ?? [];
  limits.forEach((limit, i) => {
    const [error, count] = replies[i * 2] ?? [];
    if (error) throw error;
    if (Number(count) > limit.max) {
      const retryAfterSeconds = limit.windowSeconds - (now % limit.windowSeconds);
      throw new DomainError(
        "TOO_MANY_REQUESTS",
        `Too many attempts; try again in ${retryAfterSeconds} s`,
        { retryAfterSeconds },
      );
    }
  });
}
