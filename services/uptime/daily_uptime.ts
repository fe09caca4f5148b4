/**
 * Daily uptime bars from ClickHouse, for the dashboard (`website.metrics`) and the public
 * status page alike: one query shape, and the counting and rounding of `lib/uptime.ts`.
 * The hourly rollup is built from deduplicated checks, so a check delivered twice counts
 * once; the same moment checked from two regions counts twice (two checks happened).
 */
import { literal, type Sql, sql } from "../../db/clickhouse/sql.ts";
import type { ClickHouse } from "../../db/clickhouse/client.ts";
import { rowsInChunks } from "../../db/clickhouse/chunks.ts";
import {
  type DailyBar,
  dailyBars,
  DAY_MS,
  type DayCount,
  firstBarDay,
  HOUR_MS,
  windowUptime,
} from "../../lib/uptime.ts";

export interface UptimeSummary {
  bars: DailyBar[];
  /** Over the whole 90-day window; null without any check. */
  uptime: number | null;
}

/** ClickHouse's JSON: 64-bit integers arrive as strings. */
export interface DailyCountRow {
  website_id: string;
  day: string | number;
  n: string | number;
  up: string | number;
  /** Checks under maintenance, in neither n nor up. */
  m: string | number;
}

/**
 * Per website and UTC day (integer days since the epoch: the server's time zone and its
 * version cannot shift them), the checks and up checks, all regions together: whole hours
 * from the rollup, the hour under way from the checks themselves (the rollup trails them
 * by up to a minute; today's bar then agrees with the 24-hour figure, see uptime_24h.ts).
 * `websiteIds` is a list rendered by `literal.uuidList`.
 */
export function dailyCountsQuery(websiteIds: Sql, now: Date): Sql {
  const from = literal.dateTime(new Date(firstBarDay(now) * DAY_MS));
  const hour = literal.dateTime(new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS));
  return sql`SELECT website_id, day, sum(n) AS n, sum(up) AS up, sum(m) AS m FROM (
      SELECT website_id, intDiv(toUInt32(hour), 86400) AS day,
             sum(checks) AS n, sum(up_checks) AS up, sum(maintenance_checks) AS m
      FROM checks_hourly FINAL
      WHERE website_id IN ${websiteIds} AND hour >= ${from} AND hour < ${hour}
      GROUP BY website_id, day
      UNION ALL
      SELECT website_id, intDiv(toUInt32(${hour}), 86400) AS day,
             uniqExactIf(region_id, scheduled_at, maintenance = 0) AS n,
             uniqExactIf(region_id, scheduled_at, outcome = 'up' AND maintenance = 0) AS up,
             uniqExactIf(region_id, scheduled_at, maintenance = 1) AS m
      FROM checks
      WHERE website_id IN ${websiteIds} AND scheduled_at >= ${hour}
      GROUP BY website_id
    ) GROUP BY website_id, day`;
}

/** The rows of {@link dailyCountsQuery} as day counts per website. */
export function dayCounts(rows: readonly DailyCountRow[]): Map<string, DayCount[]> {
  const byWebsite = new Map<string, DayCount[]>();
  for (const row of rows) {
    let days = byWebsite.get(row.website_id);
    if (!days) byWebsite.set(row.website_id, days = []);
    days.push({
      day: Number(row.day),
      checks: Number(row.n),
      up: Number(row.up),
      maintenance: Number(row.m),
    });
  }
  return byWebsite;
}

/** The bars and window uptime of each website (one query for all of them, or per chunk of a long list). */
export async function dailyUptime(
  ch: ClickHouse,
  websiteIds: readonly string[],
  now = new Date(),
): Promise<Map<string, UptimeSummary>> {
  const counts = dayCounts(
    await rowsInChunks<DailyCountRow, string>(
      ch,
      websiteIds,
      (chunk) => dailyCountsQuery(literal.uuidList(chunk), now),
    ),
  );
  return new Map(websiteIds.map((id) => {
    const bars = dailyBars(counts.get(id) ?? [], now);
    return [id, { bars, uptime: windowUptime(bars) }];
  }));
}
