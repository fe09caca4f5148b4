/** What every service function works with: the connections and the configuration. */
import type postgres from "postgres";
import type { Config } from "../lib/config.ts";
import type { Redis } from "../lib/redis.ts";
import type { RedisKeys } from "../lib/redis_keys.ts";
import type { Database } from "../db/postgres/client.ts";
import type { ClickHouse } from "../db/clickhouse/client.ts";

export interface Services {
  config: Config;
  /** The primary: every write, and every read that must see the latest state. */
  db: Database;
  sql: postgres.Sql;
  /**
   * For reads that may lag a little: the region's replica in a reading request that does
   * not follow this client's own write, the primary otherwise (web/read_routing.ts). In a
   * writing request they are the primary, so a loader shared by a page and its form post
   * may use them.
   */
  readDb: Database;
  readSql: postgres.Sql;
  redis: Redis;
  ch: ClickHouse;
  keys: RedisKeys;
}

/** The signed-in user a service acts for, and the team (account) they act in. */
export interface Actor {
  /** The person: who acknowledged, who wrote, whose sign-in and tokens. */
  userId: string;
  /**
   * The team: whose monitors, pages, channels and windows (their `owner_id`). The user's
   * own account, or one they are a member of.
   */
  accountId: string;
  /** A viewer of that team: looks, and changes only what is theirs (SessionUser). */
  viewer?: boolean;
}

/** The actor of a signed-in user (a session's or an API token's). */
export function actorOf(user: { id: string; accountId: string; viewer?: boolean }): Actor {
  return { userId: user.id, accountId: user.accountId, ...(user.viewer ? { viewer: true } : {}) };
}
