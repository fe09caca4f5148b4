/**
 * A monitor's state from the state of each of its regions: the rule the detail page
 * applies on the server and again in its live island as results arrive. Imports only
 * lib/live_status.ts, so islands can bundle it.
 *
 * ```ts
 * const run = { region: "ams", outcome: "down", since: 1_700_000_000_000 } as const;
 * monitorState([{ run, latest: { outcome: "down", checkedAt: Date.now() } }], true, 60);
 * // { status: "down", since: 1_700_000_000_000 }
 * ```
 */
import { type OverallState, overallState, type RegionState, regionState } from "./live_status.ts";

/** One region's current run: its latest outcome and when the run of that outcome began. */
export interface RegionRun {
  region: string;
  outcome: "up" | "down";
  /** Epoch ms: the scheduled time of the first check of the current run. */
  since: number;
}

export type MonitorStatus = OverallState | "paused";

/**
 * Which of the monitor list's counts a status falls in: a degraded monitor (down in some
 * regions) counts as down, as the list's "Down" filter shows it; no data counts in none.
 */
export function countedAs(status: MonitorStatus): "up" | "down" | "paused" | null {
  if (status === "degraded") return "down";
  return status === "nodata" ? null : status;
}

/**
 * What a region's dot (or a single check) shows: its state, but amber "degraded" when it
 * is up and slower than the monitor's threshold.
 */
export function shownRegion(
  state: RegionState,
  degraded: boolean | undefined,
): RegionState | "degraded" {
  return state === "up" && degraded ? "degraded" : state;
}

/**
 * What a badge shows: the status, but amber "degraded" for a monitor up everywhere and
 * slower than its threshold somewhere (`slow`); it still counts as up.
 */
export function shownStatus(status: MonitorStatus, slow: boolean): MonitorStatus {
  return status === "up" && slow ? "degraded" : status;
}

export interface MonitorState {
  status: MonitorStatus;
  /** Epoch ms since when the status holds; null while paused or without data. */
  since: number | null;
}

/** A region as the detail page knows it: its current run and its newest result. */
export interface RegionRecord {
  run: RegionRun | null;
  latest: { outcome: "up" | "down"; checkedAt: number } | null;
}

/**
 * The monitor's state by the table's rule (lib/live_status.ts: silent regions do not
 * count), and since when: up since the last reporting region recovered, down since the
 * last one failed, degraded since the first of the failing ones failed.
 */
export function monitorState(
  regions: readonly RegionRecord[],
  active: boolean,
  intervalSeconds: number,
  now = Date.now(),
): MonitorState {
  if (!active) return { status: "paused", since: null };
  const reporting = regions.filter((r) =>
    r.run && regionState(r.latest, intervalSeconds, now) !== "nodata"
  ).map((r) => r.run!);
  const status = overallState(reporting.map((run) => run.outcome));
  if (status === "nodata") return { status, since: null };
  const down = reporting.filter((run) => run.outcome === "down").map((run) => run.since);
  const all = reporting.map((run) => run.since);
  return {
    status,
    since: status === "degraded" ? Math.min(...down) : Math.max(...all),
  };
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
