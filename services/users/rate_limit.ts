/**
 * Fixed windows of attempts (e.g. 10 test notifications a minute per account), on
 * rate-limiter-flexible in Redis. A window opens with the first attempt. Over the limit:
 * TOO_MANY_REQUESTS with the seconds until the window closes. Keys must not hold
 * personal data (use ids, not emails); logins have their own rules in login_limits.ts.
 */
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { DomainError } from "../errors.ts";
import type { Services } from "../context.ts";

export interface Limit {
  scope: string;
  key: string;
  max: number;
  windowSeconds: number;
}

const limiters = new WeakMap<object, Map<string, RateLimiterRedis>>();

function limiterFor(services: Services, limit: Limit): RateLimiterRedis {
  let byShape = limiters.get(services.redis);
  if (!byShape) limiters.set(services.redis, byShape = new Map());
  const shape = `${limit.scope}:${limit.max}:${limit.windowSeconds}`;
  let limiter = byShape.get(shape);
  if (!limiter) {
    byShape.set(
      shape,
      limiter = new RateLimiterRedis({
        storeClient: services.redis,
        keyPrefix: `${services.config.redisKeyPrefix}ratelimit:${limit.scope}`,
        points: limit.max,
        duration: limit.windowSeconds,
      }),
    );
  }
  return limiter;
}

export async function enforceRateLimits(services: Services, limits: Limit[]): Promise<void> {
  for (const limit of limits) {
    try {
      await limiterFor(services, limit).consume(limit.key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const retryAfterSeconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new DomainError(
        "TOO_MANY_REQUESTS",
        `Too many attempts; try again in ${retryAfterSeconds} s`,
        { retryAfterSeconds },
      );
    }
  }
}
