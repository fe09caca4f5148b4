/** What every service function works with: the connections and the configuration. */
import type postgres from "postgres";
import type { Config } from "../lib/config.ts";
import type { Redis } from "../lib/redis.ts";
import type { RedisKeys } from "../lib/redis_keys.ts";
import type { Database } from "../db/postgres/client.ts";
import type { ClickHouse } from "../db/clickhouse/client.ts";

export interface Services {
  config: Config;
  db: Database;
  sql: postgres.Sql;
  redis: Redis;
  ch: ClickHouse;
  keys: RedisKeys;
}

/** The signed-in user a service acts for. */
export interface Actor {
  userId: string;
}
