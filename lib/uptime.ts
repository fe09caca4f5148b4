/**
 * How uptime is computed and rounded, once for every screen that shows it: the dashboard
 * (`website.metrics`), the public status page, its badge and its live island. Imports
 * only the time format, so island bundles can use it.
 *
 * ```ts
 * uptimePercent(2, 3) // 66.667
 * const bars = dailyBars([{ day: 20_000, checks: 4, up: 3 }], new Date());
 * ```
 */
import { formatDate } from "./time_format.ts";

/** Daily bars on status pages and the dashboard: the last 90 UTC days, today included. */
export const BAR_DAYS = 90;
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/**
 * Percent (0–100) of checks that were up, rounded to 3 decimals so "99.999" survives and
 * float noise does not; null without checks (no data is not 0 % and not 100 %).
 */
export function uptimePercent(up: number, checks: number): number | null {
  return checks > 0 ? Math.round((up / checks) * 100_000) / 1000 : null;
}

/** Uptime as people read it: "99.95%", "100%", or "no data". */
export function formatUptime(percent: number | null): string {
  if (percent === null) return "no data";
  // Two decimals, but never rounded up to 100 while something failed.
  const shown = Math.floor(percent * 100) / 100;
  return `${shown.toFixed(shown === 100 ? 0 : 2)}%`;
}

/**
 * A day's bar on the dashboard, where colour and height both say how it went: full and
 * green without downtime, shorter and amber or red with it, a stub without checks, full
 * and sky blue for a day of nothing but maintenance (whose checks count neither way).
 */
export function dayBarLook(uptime: number | null, maintenance: number): string {
  if (uptime === null && maintenance) return "h-full bg-sky-500 dark:bg-sky-400";
  if (uptime === null) return "h-1/4 bg-slate-300 dark:bg-slate-600";
  if (uptime === 100) return "h-full bg-emerald-600 dark:bg-emerald-500";
  if (uptime >= 99) return "h-3/4 bg-amber-500 dark:bg-amber-400";
  return "h-1/2 bg-rose-600 dark:bg-rose-500";
}

/** How many of the daily bars a phone shows: the last 30 days. */
export const NARROW_DAYS = 30;

/** A heartbeat's results in words: "3 received, 1 missed", "no beats yet". */
export function beatsText(received: number, results: number): string {
  if (results === 0) return "no beats yet";
  const missed = results - received;
  // A run that reported it failed (`/fail`) is down, as a missed beat is.
  return `${received.toLocaleString("en")} received, ${
    missed.toLocaleString("en")
  } missed or failed`;
}

export interface DailyBar {
  /** Start of the UTC day, epoch ms. */
  at: number;
  /** The same day as `YYYY-MM-DD`. */
  date: string;
  /** Checks that count: those under maintenance are in neither this nor `up`. */
  checks: number;
  up: number;
  /** Checks while the monitor was under maintenance. */
  maintenance: number;
  /** {@link uptimePercent} of the day. */
  uptime: number | null;
}

/** Counts for one UTC day (`day`: days since the epoch); a day may come in several rows. */
export interface DayCount {
  day: number;
  checks: number;
  up: number;
  maintenance?: number;
}

/** The first day (days since the epoch) of the {@link BAR_DAYS} bars ending today. */
export function firstBarDay(now: Date): number {
  return Math.floor(now.getTime() / DAY_MS) - BAR_DAYS + 1;
}

/**
 * The {@link BAR_DAYS} bars ending with `now`'s UTC day, oldest first. Rows of the same
 * day are added (regions are distinct checks); rows outside the window are ignored.
 */
export function dailyBars(rows: Iterable<DayCount>, now: Date): DailyBar[] {
  const first = firstBarDay(now);
  const bars = Array.from({ length: BAR_DAYS }, (_, index): DailyBar => {
    const at = (first + index) * DAY_MS;
    const date = new Date(at).toISOString().slice(0, 10);
    return { at, date, checks: 0, up: 0, maintenance: 0, uptime: null };
  });
  for (const row of rows) {
    const bar = bars[row.day - first];
    if (!bar) continue;
    bar.checks += row.checks;
    bar.up += row.up;
    bar.maintenance += row.maintenance ?? 0;
  }
  for (const bar of bars) bar.uptime = uptimePercent(bar.up, bar.checks);
  return bars;
}

/**
 * What checks under maintenance add to the description of a day or a range: "" without
 * any, "under maintenance" when nothing else was checked, and otherwise how many were not
 * counted ("3 checks during maintenance not counted"). `noun` is "check" or "beat".
 */
export function maintenanceWords(
  counts: { checks: number; maintenance: number },
  noun = "check",
): string {
  if (!counts.maintenance) return "";
  if (!counts.checks) return "under maintenance";
  const n = counts.maintenance;
  return `${n.toLocaleString("en")} ${noun}${n === 1 ? "" : "s"} during maintenance not counted`;
}

/**
 * What a window's uptime covers, in words: "the last 90 days", or, for a monitor whose
 * first checks in the window came after its start (a new one), "since 3 Dec 2026".
 */
export function windowWords(bars: readonly DailyBar[]): string {
  const first = bars.findIndex((bar) => bar.checks + bar.maintenance > 0);
  return first > 0
    ? `since ${formatDate(bars[first].at, "UTC")}`
    : `over the last ${bars.length} days`;
}

/** Uptime over every bar: the window's checks, not the average of the days. */
export function windowUptime(bars: readonly DailyBar[]): number | null {
  let checks = 0;
  let up = 0;
  for (const bar of bars) {
    checks += bar.checks;
    up += bar.up;
  }
  return uptimePercent(up, checks);
}
