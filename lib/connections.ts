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
import { openReadReplica, type ReadReplica } from "./read_replica.ts";

export interface Connections {
  pg: Postgres;
  redis: Redis;
  ch: ClickHouse;
  /** The region's read replica (web only, when `DATABASE_REPLICA_URL` is set). */
  replica: ReadReplica | null;
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;

/**
 * `replica: true` also opens `DATABASE_REPLICA_URL` when set; a replica that does not
 * answer never stops the start (reads then go to the primary; lib/read_replica.ts).
 */
export async function openConnections(
  config: Config,
  name: string,
  options: { replica?: boolean } = {},
): Promise<Connections> {
  const pg = connectPostgres(config.databaseUrl);
  const redis = connectRedis(config.redisUrl, { name });
  const ch = connectClickHouse(config.clickhouseUrl);
  let replica: ReadReplica | null = null;
  const close = async () => {
    redis.disconnect();
    await Promise.allSettled([pg.close(), ch.close(), replica?.close()]);
  };
  try {
    await Promise.all([
      reachable(pg.sql`select 1`, `Postgres at ${redactUrl(config.databaseUrl)}`),
      waitForRedis(redis, config.redisUrl, START_TIMEOUT_MS),
      reachable(
        ch.ping().then(throwIfPingFailed),
        `ClickHouse at ${redactUrl(config.clickhouseUrl)}`,
      ),
    ]);
    if (options.replica && config.databaseReplicaUrl) {
      replica = await openReadReplica(config.databaseReplicaUrl);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { pg, redis, ch, replica, close };
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
