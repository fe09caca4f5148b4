/**
 * How statuses look on the public page and its badge: one table of colours and words, so
 * the server-rendered page, its islands and the SVG badge agree.
 */
import {
  MONITOR_STATUS_TEXT,
  type MonitorStatus,
  PAGE_STATUS_TEXT,
  type PageStatus,
} from "./page_status.ts";

export const MONITOR_PILL: Record<MonitorStatus, string> = {
  up: "bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100",
  down: "bg-rose-100 text-rose-900 dark:bg-rose-900 dark:text-rose-100",
  degraded: "bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100",
  // Bright yellow in both schemes: beside the amber of a partial outage it must not read
  // as the same brown.
  slow: "bg-yellow-300 text-slate-900",
  "nodata": "bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100",
  paused: "bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100",
  maintenance: "bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100",
};

export const OVERALL_BANNER: Record<PageStatus, string> = {
  operational: "bg-emerald-600 text-white",
  maintenance: "bg-sky-700 text-white",
  "degraded-performance": "bg-yellow-400 text-slate-900",
  "partial-outage": "bg-amber-500 text-slate-900",
  "major-outage": "bg-rose-600 text-white",
  "nodata": "bg-slate-600 text-white",
};

/**
 * Badge colours (SVG fill), shields.io-like; Tailwind's 700 shades, so the badge's white
 * 11 px text has a contrast of at least 4.5:1 on each.
 */
export const BADGE_FILL: Record<MonitorStatus | PageStatus, string> = {
  up: "#15803d",
  operational: "#15803d",
  down: "#b91c1c",
  "major-outage": "#b91c1c",
  degraded: "#b45309",
  "partial-outage": "#b45309",
  slow: "#a16207",
  "degraded-performance": "#a16207",
  "nodata": "#64748b",
  paused: "#64748b",
  maintenance: "#0369a1",
};

export { MONITOR_STATUS_TEXT, PAGE_STATUS_TEXT };

/**
 * The page's icon: a dot in the colour of its status, inline, so a tab shows at a glance
 * how things are and a custom domain needs no icon file of its own.
 */
export function statusFavicon(status: PageStatus): string {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">` +
    `<circle cx="8" cy="8" r="7" fill="${BADGE_FILL[status]}"/></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

/**
 * A day's bar: green when (nearly) always up, amber for a bad day, red for a very bad one,
 * sky blue for a day of nothing but maintenance.
 */
export function barClass(uptime: number | null, maintenance = 0): string {
  if (uptime === null) return maintenance ? "bg-sky-500" : "bg-slate-200 dark:bg-slate-700";
  if (uptime >= 99.9) return "bg-emerald-500";
  if (uptime >= 95) return "bg-amber-400";
  return "bg-rose-500";
}

/** "2026-12-01 20:58 UTC": the same text on the server and in the browser. */
export function formatUtc(at: number): string {
  return new Date(at).toISOString().slice(0, 16).replace("T", " ") + " UTC";
}
