/**
 * What a public status page says about each monitor and about the whole page. A monitor's
 * status follows the dashboard's rule (lib/live_status.ts: a region silent for three
 * intervals is "no data", never up); the page adds the banner's words. Computed by the
 * server for the first render and by the live island for every update. Imports only
 * lib/live_status.ts, so islands can use it.
 *
 * ```ts
 * pageStatus(["up", "down"]) // "partial-outage"
 * pageStatus(["up", "slow"]) // "degraded-performance"
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
/**
 * A monitor on the page: up, down, degraded (regions disagree: a partial outage), slow (up
 * everywhere, slower than its threshold somewhere), nodata, paused by its owner, or in a
 * maintenance window.
 */
export type MonitorStatus = OverallState | "slow" | "paused" | "maintenance";
export type PageStatus =
  | "operational"
  | "maintenance"
  | "degraded-performance"
  | "partial-outage"
  | "major-outage"
  | "nodata";

/** One region of a monitor on the page: its state, and whether its latest check was slow. */
export interface PageRegion {
  state: RegionState;
  slow: boolean;
}

/** The monitor's status from its regions: their overall state, "slow" when up but slow. */
export function monitorStatus(regions: readonly PageRegion[]): MonitorStatus {
  const overall = overallState(regions.map((region) => region.state));
  return overall === "up" && regions.some((region) => region.state === "up" && region.slow)
    ? "slow"
    : overall;
}

/**
 * All operational when every monitor with data is up, degraded performance when they are
 * all up but some are slow, major outage when every one is down, partial outage in
 * between. Monitors without data, paused ones and ones under maintenance say nothing
 * either way; under maintenance when some are and the others are all up.
 */
export function pageStatus(monitors: readonly MonitorStatus[]): PageStatus {
  const known = monitors.filter((m) => m !== "nodata" && m !== "paused" && m !== "maintenance");
  const maintenance = monitors.includes("maintenance");
  if (!known.length) return maintenance ? "maintenance" : "nodata";
  if (known.every((m) => m === "up")) return maintenance ? "maintenance" : "operational";
  if (known.every((m) => m === "up" || m === "slow")) return "degraded-performance";
  if (known.every((m) => m === "down")) return "major-outage";
  return "partial-outage";
}

export const MONITOR_STATUS_TEXT: Record<MonitorStatus, string> = {
  up: "Operational",
  down: "Down",
  degraded: "Partial outage",
  slow: "Degraded performance",
  nodata: "No data",
  paused: "Paused",
  maintenance: "Under maintenance",
};

export const PAGE_STATUS_TEXT: Record<PageStatus, string> = {
  operational: "All systems operational",
  maintenance: "Under maintenance",
  "degraded-performance": "Degraded performance",
  "partial-outage": "Partial outage",
  "major-outage": "Major outage",
  nodata: "No data yet",
};
