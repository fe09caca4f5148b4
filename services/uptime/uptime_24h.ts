/**
 * Every website's uptime over the last 24 hours, computed once a minute for all of them
 * by the leading publisher right after it rolls up the hour, and kept in Redis. The
 * monitors table reads its websites' figures with one HMGET instead of a ClickHouse
 * query that names thousands of websites. The hash expires when nobody refreshes it;
 * readers then compute the figure themselves.
 */
import type { ClickHouse } from "../../db/clickhouse/client.ts";
import { literal, sql } from "../../db/clickhouse/sql.ts";
import { rowsInChunks } from "../../db/clickhouse/chunks.ts";
import type { Redis } from "../../lib/redis.ts";
import type { RedisKeys } from "../../lib/redis_keys.ts";
import { HOUR_MS, uptimePercent } from "../../lib/uptime.ts";

/** Three refreshes missed and the figures are dropped rather than shown stale. */
const KEEP_SECONDS = 180;
const CHUNK = 5_000;

/** The first hour of the 24-hour window ending in `now`'s hour (that hour included). */
export function windowStart(now: number): number {
  return Math.floor(now / HOUR_MS) * HOUR_MS - 23 * HOUR_MS;
}

export async function refreshUptime24h(
  ch: ClickHouse,
  redis: Redis,
  keys: RedisKeys,
  now = Date.now(),
): Promise<number> {
  const rows = await ch.rows<{ website_id: string; n: string; up: string }>(
    sql`SELECT website_id, sum(checks) AS n, sum(up_checks) AS up
     FROM checks_hourly FINAL
     WHERE hour >= ${literal.dateTime(new Date(windowStart(now)))}
     GROUP BY website_id`,
  );
  const staging = `${keys.uptime24h}:next`;
  const pipeline = redis.multi().del(staging);
  for (let i = 0; i < rows.length; i += CHUNK) {
    const fields: string[] = [];
    for (const row of rows.slice(i, i + CHUNK)) {
      fields.push(row.website_id, String(uptimePercent(Number(row.up), Number(row.n))));
    }
    pipeline.hset(staging, ...fields);
  }
  if (rows.length) pipeline.rename(staging, keys.uptime24h).expire(keys.uptime24h, KEEP_SECONDS);
  else pipeline.del(keys.uptime24h);
  await pipeline.exec();
  return rows.length;
}

/**
 * The figures of `ids`, or null when nobody has published them lately. A website without
 * checks in the window has none (null).
 */
export async function readUptime24h(
  redis: Redis,
  keys: RedisKeys,
  ids: string[],
): Promise<Map<string, number | null> | null> {
  const [[, exists], [, values]] = (await redis.multi().exists(keys.uptime24h)
    .hmget(keys.uptime24h, ...(ids.length ? ids : ["-"])).exec()) as [
      [unknown, number],
      [unknown, (string | null)[]],
    ];
  if (!exists) return null;
  return new Map(ids.map((id, i) => {
    const value = values[i];
    return [id, value === null || value === "null" ? null : Number(value)];
  }));
}

/**
 * The same figures computed on demand, when the publisher has not published them (a fresh
 * start, or no publisher): whole hours from the hourly rollup, the hour under way from the
 * checks themselves (the rollup trails them by up to a minute, and a monitor
 * added a minute ago must not read "no data"). Both count each check once.
 */
export async function computeUptime24h(
  ch: ClickHouse,
  ids: string[],
  now: number,
): Promise<Map<string, number | null>> {
  const uptime = new Map<string, number | null>();
  if (!ids.length) return uptime;
  const since = new Date(windowStart(now));
  const hour = Math.floor(now / HOUR_MS) * HOUR_MS;
  const rows = await rowsInChunks<{ website_id: string; n: string; up: string }, string>(
    ch,
    ids,
    (chunk) => {
      const list = literal.uuidList(chunk);
      return sql`SELECT website_id, sum(n) AS n, sum(up) AS up FROM (
       SELECT website_id, sum(checks) AS n, sum(up_checks) AS up
       FROM checks_hourly FINAL
       WHERE website_id IN ${list}
         AND hour >= ${literal.dateTime(since)} AND hour < ${literal.dateTime(new Date(hour))}
       GROUP BY website_id
       UNION ALL
       SELECT website_id, uniqExactIf(region_id, scheduled_at, maintenance = 0) AS n,
              uniqExactIf(region_id, scheduled_at, outcome = 'up' AND maintenance = 0) AS up
       FROM checks
       WHERE website_id IN ${list} AND scheduled_at >= ${literal.dateTime(new Date(hour))}
       GROUP BY website_id
     ) GROUP BY website_id`;
    },
  );
  for (const row of rows) uptime.set(row.website_id, uptimePercent(Number(row.up), Number(row.n)));
  return uptime;
}
