/**
 * What a monitor's latest results per region say now. A region whose newest result is
 * older than three intervals has stopped reporting: it counts as "no data", never as up.
 * Imports nothing, so islands can use it on live results.
 */

export type RegionState = "up" | "down" | "nodata";
export type OverallState = "up" | "down" | "degraded" | "nodata";

/** Intervals without a result after which a region counts as silent. */
export const STALE_AFTER_INTERVALS = 3;

export function regionState(
  latest: { outcome: "up" | "down"; checkedAt: number } | null | undefined,
  intervalSeconds: number,
  now = Date.now(),
): RegionState {
  if (!latest) return "nodata";
  if (now - latest.checkedAt > STALE_AFTER_INTERVALS * intervalSeconds * 1000) return "nodata";
  return latest.outcome;
}

/**
 * Up when every reporting region is up, down when every one is down, degraded when they
 * disagree; "no data" when none reports.
 */
export function overallState(states: readonly RegionState[]): OverallState {
  const reporting = states.filter((s) => s !== "nodata");
  if (!reporting.length) return "nodata";
  if (reporting.every((s) => s === "up")) return "up";
  if (reporting.every((s) => s === "down")) return "down";
  return "degraded";
}
