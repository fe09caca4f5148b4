/**
 * Fills the hourly rollup from deduplicated raw rows; a rolled-up hour is replaced rather
 * than added to. The leader runs {@link rollUpCurrentHours} every minute (the hour that
 * is filling, and the one before while its late checks still arrive) and
 * {@link rollUpRecentHours} every few minutes, which re-rolls the hours from a little
 * before the newest one already rolled up, so results that arrive late (a ClickHouse
 * outage, a reclaimed task) are counted too. Each pass reads `checks FINAL` for the hours
 * it rolls: re-reading four hours of every website each minute was most of ClickHouse's
 * work at a steady load.
 */
import type { ClickHouse } from "./client.ts";
import { literal, sql } from "./sql.ts";

const HOUR = 3_600;

/** Hours before the newest rolled-up one that are rolled up again. */
const LOOKBACK_HOURS = 3;

/**
 * The checks whose time counts as a response time: those that were up. A refused
 * connection's 0 ms, or a timeout's whole wait, says nothing of how fast the site answers
 * (the uptime counts those checks; the failed ones are shaded on the chart).
 */
export const ANSWERED = sql`outcome = 'up'`;

export async function rollUpRecentHours(
  ch: ClickHouse,
  now = new Date(),
): Promise<{ from: number; to: number }> {
  const currentHour = Math.floor(now.getTime() / 1000 / HOUR) * HOUR;
  const [rolled] = await ch.rows<{ last: string | number; n: string | number }>(
    sql`SELECT toUInt32(max(hour)) AS last, count() AS n FROM checks_hourly`,
  );
  let from: number;
  if (Number(rolled.n) > 0) {
    from = Math.min(Number(rolled.last), currentHour) - LOOKBACK_HOURS * HOUR;
  } else {
    const oldest = await oldestCheckHour(ch);
    if (oldest === null) return { from: currentHour, to: currentHour };
    from = oldest;
  }
  const to = currentHour + HOUR;
  await rollUpHours(ch, from, to);
  return { from, to };
}

/**
 * Tasks live at most 10 minutes and results are stored within seconds of their check, so
 * after this long into an hour the previous one gets no more results but late ones.
 */
const PREVIOUS_HOUR_OPEN_MS = 15 * 60_000;

/** Rolls up the current hour, and the previous one during the first minutes of this one. */
export async function rollUpCurrentHours(
  ch: ClickHouse,
  now = new Date(),
): Promise<{ from: number; to: number }> {
  const currentHour = Math.floor(now.getTime() / 1000 / HOUR) * HOUR;
  const from = now.getTime() - currentHour * 1000 < PREVIOUS_HOUR_OPEN_MS
    ? currentHour - HOUR
    : currentHour;
  await rollUpHours(ch, from, currentHour + HOUR);
  return { from, to: currentHour + HOUR };
}

/** Rolls up (again) the hours in [from, to), epoch seconds on hour boundaries. */
export async function rollUpHours(ch: ClickHouse, from: number, to: number): Promise<void> {
  await ch.command(
    sql`INSERT INTO checks_hourly (website_id, region_id, hour, checks, up_checks,
        response_quantiles, rolled_up_at, maintenance_checks)
      SELECT website_id, region_id, toStartOfHour(scheduled_at) AS hour,
             countIf(maintenance = 0) AS checks,
             countIf(outcome = 'up' AND maintenance = 0) AS up_checks,
             quantilesTimingStateIf(0.5, 0.95, 0.99)(response_ms, ${ANSWERED})
               AS response_quantiles,
             now() AS rolled_up_at, countIf(maintenance = 1) AS maintenance_checks
      FROM checks FINAL
      WHERE scheduled_at >= toDateTime(${literal.int(from)})
        AND scheduled_at < toDateTime(${literal.int(to)})
      GROUP BY website_id, region_id, hour`,
  );
}

/** Rolls up again every hour that has checks, a day at a time (a migration's backfill). */
export async function rollUpAllHours(ch: ClickHouse, now = new Date()): Promise<void> {
  const oldest = await oldestCheckHour(ch);
  if (oldest === null) return;
  const to = Math.floor(now.getTime() / 1000 / HOUR) * HOUR + HOUR;
  for (let from = oldest; from < to; from += 24 * HOUR) {
    await rollUpHours(ch, from, Math.min(from + 24 * HOUR, to));
  }
}

/** The hour of the oldest stored check (epoch seconds); null without checks. */
async function oldestCheckHour(ch: ClickHouse): Promise<number | null> {
  const [oldest] = await ch.rows<{ first: string | number; n: string | number }>(
    sql`SELECT toUInt32(min(scheduled_at)) AS first, count() AS n FROM checks`,
  );
  return Number(oldest.n) === 0 ? null : Math.floor(Number(oldest.first) / HOUR) * HOUR;
}
