/**
 * Opens the connections a process needs and proves each one works at start, so a
 * misconfigured deployment fails in seconds with a message naming the service and
 * its URL instead of hanging or printing a stack trace.
 */
import { type Config, redactUrl } from "./config.ts";
import { connectRedis, type Redis, waitForRedis } from "./redis.ts";
import { connectPostgres, type Postgres } from "../db/postgres/client.ts";
import { type ClickHouse, connectClickHouse } from "../db/clickhouse/client.ts";
import { withTimeout } from "./async.ts";

export interface Connections {
  pg: Postgres;
  redis: Redis;
  ch: ClickHouse;
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;

export async function openConnections(config: Config, name: string): Promise<Connections> {
  const pg = connectPostgres(config.databaseUrl);
  const redis = connectRedis(config.redisUrl, { name });
  const ch = connectClickHouse(config.clickhouseUrl);
  const close = async () => {
    redis.disconnect();
    await Promise.allSettled([pg.close(), ch.close()]);
  };
  try {
    await Promise.all([
      reachable(pg.sql`select 1`, `Postgres at ${redactUrl(config.databaseUrl)}`),
      waitForRedis(redis, config.redisUrl, START_TIMEOUT_MS),
      reachable(
        ch.client.ping().then(throwIfPingFailed),
        `ClickHouse at ${redactUrl(config.clickhouseUrl)}`,
      ),
    ]);
  } catch (error) {
    await close();
    throw error;
  }
  return { pg, redis, ch, close };
}

function throwIfPingFailed(result: { success: boolean; error?: Error }): void {
  if (!result.success) throw result.error ?? new Error("ping failed");
}

async function reachable<T>(promise: Promise<T>, what: string): Promise<T> {
  try {
    return await withTimeout(promise, START_TIMEOUT_MS, "connecting");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${what} is not reachable (${reason})`);
  }
}
