/**
 * Figures the public page shows per website: daily uptime bars from the hourly rollup in
 * ClickHouse, and the current status from the latest result per region in Redis.
 */
import { literal } from "../../db/clickhouse/sql.ts";
import type { Services } from "../context.ts";
import { liveResultSchema, parseLiveJson } from "../../lib/live_result.ts";

export const BAR_DAYS = 90;
const DAY_SECONDS = 86_400;

export interface DailyBar {
  /** UTC day, `YYYY-MM-DD`. */
  date: string;
  checks: number;
  upChecks: number;
  /** Percent of checks that were up; null on a day without checks. */
  uptime: number | null;
}

export interface UptimeSummary {
  bars: DailyBar[];
  /** Percent over the whole window; null without any check. */
  uptime90d: number | null;
}

/**
 * The last {@link BAR_DAYS} UTC days (today included) per website, from the hourly
 * rollup of deduplicated checks, summed over regions: a check delivered twice counts
 * once, and the same moment checked from two regions counts twice (two checks happened).
 */
export async function dailyUptime(
  services: Services,
  websiteIds: string[],
  now = new Date(),
): Promise<Map<string, UptimeSummary>> {
  const today = Math.floor(now.getTime() / 1000 / DAY_SECONDS);
  const firstDay = today - BAR_DAYS + 1;
  const counts = new Map<string, Map<number, { checks: number; up: number }>>(
    websiteIds.map((id) => [id, new Map()]),
  );
  if (websiteIds.length) {
    // Integer days since the epoch: the server's time zone (and its version) cannot shift them.
    const rows = await services.ch.rows<
      { website_id: string; day: string | number; checks: string | number; up: string | number }
    >(`
      SELECT website_id, day, sum(region_checks) AS checks, sum(region_up) AS up
      FROM (
        SELECT website_id, region_id, intDiv(toUInt32(hour), ${literal.int(DAY_SECONDS)}) AS day,
               sum(checks) AS region_checks,
               sum(up_checks) AS region_up
        FROM checks_hourly FINAL
        WHERE website_id IN ${literal.list(websiteIds, literal.uuid)}
          AND hour >= ${literal.dateTime(new Date(firstDay * DAY_SECONDS * 1000))}
        GROUP BY website_id, region_id, day
      )
      GROUP BY website_id, day`);
    for (const row of rows) {
      counts.get(row.website_id)?.set(Number(row.day), {
        checks: Number(row.checks),
        up: Number(row.up),
      });
    }
  }
  const summaries = new Map<string, UptimeSummary>();
  for (const [id, byDay] of counts) {
    let checks = 0;
    let up = 0;
    const bars: DailyBar[] = [];
    for (let day = firstDay; day <= today; day++) {
      const c = byDay.get(day) ?? { checks: 0, up: 0 };
      checks += c.checks;
      up += c.up;
      bars.push({
        date: new Date(day * DAY_SECONDS * 1000).toISOString().slice(0, 10),
        checks: c.checks,
        upChecks: c.up,
        uptime: percent(c.up, c.checks),
      });
    }
    summaries.set(id, { bars, uptime90d: percent(up, checks) });
  }
  return summaries;
}

/** Rounded to 3 decimals so "99.999" survives and float noise does not. */
function percent(part: number, whole: number): number | null {
  return whole ? Math.round((part / whole) * 100_000) / 1000 : null;
}

export type CurrentStatus = "up" | "down" | "degraded" | "unknown";

const outcomeOnly = liveResultSchema.pick({ outcome: true });

/**
 * Up when every region's latest result is up, down when every one is down, degraded when
 * they disagree, unknown without results. Only the regions given count: a region the
 * website no longer uses keeps its last result in Redis.
 */
export async function currentStatuses(
  services: Services,
  websites: { id: string; regions: string[] }[],
): Promise<Map<string, CurrentStatus>> {
  const statuses = new Map<string, CurrentStatus>();
  if (!websites.length) return statuses;
  const pipeline = services.redis.pipeline();
  for (const website of websites) pipeline.hgetall(services.keys.liveStatus(website.id));
  const replies = (await pipeline.exec()) ?? [];
  websites.forEach((website, i) => {
    const [error, hash] = replies[i] ?? [];
    const outcomes: string[] = [];
    if (!error && hash) {
      for (const [region, json] of Object.entries(hash as Record<string, string>)) {
        if (!website.regions.includes(region)) continue;
        const parsed = parseLiveJson(json, outcomeOnly);
        if (parsed) outcomes.push(parsed.outcome);
      }
    }
    statuses.set(website.id, combine(outcomes));
  });
  return statuses;
}

function combine(outcomes: string[]): CurrentStatus {
  if (!outcomes.length) return "unknown";
  if (outcomes.every((o) => o === "up")) return "up";
  if (outcomes.every((o) => o === "down")) return "down";
  return "degraded";
}
