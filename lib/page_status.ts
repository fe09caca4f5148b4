/**
 * What a public status page says about each monitor and about the whole page. A monitor's
 * status follows the dashboard's rule (lib/live_status.ts: a region silent for three
 * intervals is "no data", never up); the page adds the banner's words. Computed by the
 * server for the first render and by the live island for every update. Imports only
 * lib/live_status.ts, so islands can use it.
 *
 * ```ts
 * pageStatus(["up", "down"]) // "partial-outage"
 * ```
 */
import {
  type OverallState,
  overallState,
  type RegionState,
  regionState,
  STALE_AFTER_INTERVALS,
} from "./live_status.ts";

export { overallState, regionState, STALE_AFTER_INTERVALS };
export type { RegionState };
/** A monitor on the page: up, down, degraded (regions disagree), nodata, or paused by its owner. */
export type MonitorStatus = OverallState | "paused";
export type PageStatus = "operational" | "partial-outage" | "major-outage" | "nodata";

/**
 * All operational when every monitor with data is up, major outage when every one is
 * down, partial outage in between. Monitors without data, and paused ones, say nothing
 * either way.
 */
export function pageStatus(monitors: readonly MonitorStatus[]): PageStatus {
  const known = monitors.filter((m) => m !== "nodata" && m !== "paused");
  if (!known.length) return "nodata";
  if (known.every((m) => m === "up")) return "operational";
  if (known.every((m) => m === "down")) return "major-outage";
  return "partial-outage";
}

export const MONITOR_STATUS_TEXT: Record<MonitorStatus, string> = {
  up: "Operational",
  down: "Down",
  degraded: "Degraded",
  nodata: "No data",
  paused: "Paused",
};

export const PAGE_STATUS_TEXT: Record<PageStatus, string> = {
  operational: "All systems operational",
  "partial-outage": "Partial outage",
  "major-outage": "Major outage",
  nodata: "No data yet",
};
