/**
 * A monitor's state from the state of each of its regions: the rule the detail page
 * applies on the server and again in its live island as results arrive. Imports
 * nothing, so islands can bundle it.
 *
 * ```ts
 * monitorState([{ region: "ams", outcome: "down", since: 1_700_000_000_000 }], true)
 * // { status: "down", since: 1_700_000_000_000 }
 * ```
 */

/** One region's current run: its latest outcome and when the run of that outcome began. */
export interface RegionRun {
  region: string;
  outcome: "up" | "down";
  /** Epoch ms: the scheduled time of the first check of the current run. */
  since: number;
}

export type MonitorStatus = "up" | "down" | "degraded" | "paused" | "pending";

export interface MonitorState {
  status: MonitorStatus;
  /** Epoch ms since when the status holds; null while paused or without checks. */
  since: number | null;
}

/**
 * Up when every region with results is up (since the last of them recovered), down when
 * every one is down (since the last of them failed), degraded when some are down (since
 * the first of those failed). Paused wins; no results at all is pending.
 */
export function monitorState(runs: readonly RegionRun[], active: boolean): MonitorState {
  if (!active) return { status: "paused", since: null };
  if (!runs.length) return { status: "pending", since: null };
  const down = runs.filter((run) => run.outcome === "down");
  if (down.length === 0) return { status: "up", since: Math.max(...runs.map((r) => r.since)) };
  if (down.length === runs.length) {
    return { status: "down", since: Math.max(...down.map((r) => r.since)) };
  }
  return { status: "degraded", since: Math.min(...down.map((r) => r.since)) };
}

/**
 * The run after one more result of a region: the same run when the outcome holds, a new
 * one starting at the result's slot when it changes. Older results change nothing.
 */
export function nextRun(
  current: RegionRun | undefined,
  result: { region: string; outcome: "up" | "down"; scheduledAt: number },
): RegionRun {
  if (current && current.outcome === result.outcome) return current;
  if (current && result.scheduledAt < current.since) return current;
  return { region: result.region, outcome: result.outcome, since: result.scheduledAt };
}
