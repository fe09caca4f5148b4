/**
 * Redis connections (ioredis). Every connection retries with exponential backoff and
 * jitter forever, so a Redis restart never needs a restart of ours; every command is
 * bounded by a timeout so nothing hangs on a dead socket.
 */
import { Redis } from "ioredis";
import { redactUrl } from "./config.ts";
import { log } from "./logger.ts";
import { withTimeout } from "./async.ts";
import { backoffDelay } from "./backoff.ts";

export type { Redis };

export interface RedisOptions {
  /** Shown in logs and `CLIENT LIST`: what this connection is for. */
  name: string;
  /** Per-command timeout; a blocking read needs one longer than its BLOCK. */
  commandTimeoutMs?: number;
}

const RECONNECT_BACKOFF = { baseMs: 200, maxMs: 30_000 };

export function connectRedis(url: string, options: RedisOptions): Redis {
  const redis = new Redis(url, {
    connectionName: options.name,
    lazyConnect: true,
    connectTimeout: 5_000,
    commandTimeout: options.commandTimeoutMs ?? 5_000,
    maxRetriesPerRequest: 2,
    retryStrategy: (attempt) => backoffDelay(attempt, RECONNECT_BACKOFF),
  });
  let failing = false;
  redis.on("error", (error: Error) => {
    // One line per outage, not one per retry.
    if (failing) return;
    failing = true;
    log.warn("redis.unavailable", { connection: options.name, url: redactUrl(url), error });
  });
  redis.on("ready", () => {
    if (failing) log.info("redis.recovered", { connection: options.name });
    failing = false;
  });
  return redis;
}

/** Connects and pings; throws a message naming Redis and its URL when it is not there in time. */
export async function waitForRedis(redis: Redis, url: string, timeoutMs = 10_000): Promise<void> {
  const attempt = (async () => {
    if (redis.status === "wait") await redis.connect();
    await redis.ping();
  })();
  try {
    await withTimeout(attempt, timeoutMs, "connecting");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Redis is not reachable at ${redactUrl(url)} (${reason}); is redis-server running?`,
    );
  }
}
