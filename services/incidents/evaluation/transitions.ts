/**
 * The incident rules, without I/O: apply one monitor's new results to its region states
 * and its open incident, and say which incidents open and resolve.
 *
 * A region is failing after `confirmations` failed checks in a row and recovers after as
 * many successes in a row. The monitor is down while the number of failing regions
 * reaches its quorum (any one, at least half, all). One incident spans an outage: it
 * opens when the monitor goes down and resolves when it comes back up.
 *
 * While a maintenance window of the monitor lasts, it opens no incident: a monitor still
 * down when the window ends opens one with its next failed check, dated from the end (of
 * the last window, when an outage spans several or began before one).
 *
 * Results are applied in slot order, and a result whose slot is not newer than the
 * region's last applied slot is ignored: a redelivered check never counts twice, and a
 * late one never overrides what newer checks said.
 */

import { inWindow, type MaintenanceWindow } from "../../../lib/maintenance_window.ts";

export type Quorum = "any" | "half" | "all";

export interface Monitor {
  regions: string[];
  confirmations: number;
  quorum: Quorum;
  /** Its maintenance windows around these results. */
  maintenance?: readonly MaintenanceWindow[];
}

export interface Cause {
  errorKind: string;
  errorMessage: string;
  httpStatus: number;
}

export interface RegionState {
  region: string;
  /** Epoch seconds of the newest slot applied. */
  lastSlot: number;
  failures: number;
  /** Successes in a row on a failing region's way back; 0 while it is not failing. */
  successes: number;
  failing: boolean;
  /** The first failure of the current streak (epoch ms), kept while the region is failing. */
  streakStartedAt: number | null;
  streakCause: Cause | null;
}

export interface CheckResult {
  region: string;
  /** Epoch seconds. */
  slot: number;
  /** Epoch ms. */
  checkedAt: number;
  up: boolean;
  cause: Cause;
}

export interface OpenIncident {
  /** Null for one opened by this evaluation (the caller assigns ids). */
  id: string | null;
  startedAt: number;
  cause: Cause;
  regions: string[];
}

/**
 * What happened to incidents, in order. `incident` is the live object: after the
 * evaluation it holds every region affected so far; `regions` is the list at the moment
 * of the transition.
 */
export type Transition =
  | { type: "opened"; incident: OpenIncident; regions: string[] }
  | { type: "resolved"; incident: OpenIncident; regions: string[]; at: number };

export interface Evaluation {
  /** Regions whose state changed (the caller writes only these). */
  changed: Map<string, RegionState>;
  transitions: Transition[];
  /** The incident open after this evaluation, with the regions it has affected so far. */
  open: OpenIncident | null;
}

/** How many failing regions make the monitor down. */
export function regionsNeeded(quorum: Quorum, total: number): number {
  if (quorum === "any") return 1;
  if (quorum === "all") return total;
  return Math.max(1, Math.ceil(total / 2));
}

export function evaluateMonitor(
  monitor: Monitor,
  states: Map<string, RegionState>,
  open: OpenIncident | null,
  results: CheckResult[],
): Evaluation {
  const changed = new Map<string, RegionState>();
  const transitions: Transition[] = [];
  const needed = regionsNeeded(monitor.quorum, monitor.regions.length);
  let current = open ? { ...open, regions: [...open.regions] } : null;
  const ordered = [...results].sort((a, b) => a.slot - b.slot || a.region.localeCompare(b.region));
  for (const result of ordered) {
    const before = changed.get(result.region) ?? states.get(result.region);
    if (before && result.slot <= before.lastSlot) continue;
    const state = applyResult(before ?? emptyState(result.region), result, monitor.confirmations);
    changed.set(result.region, state);

    const failing = monitor.regions
      .map((region) => changed.get(region) ?? states.get(region))
      .filter((s): s is RegionState => s?.failing === true);
    const down = monitor.regions.length > 0 && failing.length >= needed;
    if (down && !current) {
      if (inWindow(monitor.maintenance ?? [], result.checkedAt)) continue;
      // The outage began when the quorum's last region began failing: with "any", the
      // first failure; with "all", a region that failed for days does not date it back.
      const start = failing.map((s) => ({ at: s.streakStartedAt ?? result.checkedAt, s }))
        .sort((a, b) => a.at - b.at)[needed - 1];
      const from = quietUntil(monitor, start.at, result.checkedAt);
      // Failing through a window that has ended: it opens with a failed check after it; a
      // passing one may be the monitor on its way back.
      if (from > start.at && result.up) continue;
      current = {
        id: null,
        startedAt: Math.min(from, result.checkedAt),
        cause: start.s.streakCause ?? result.cause,
        regions: failing.map((s) => s.region).sort(),
      };
      transitions.push({ type: "opened", incident: current, regions: [...current.regions] });
    } else if (down && current) {
      const added = failing.map((s) => s.region).filter((r) => !current!.regions.includes(r));
      if (added.length) current.regions = [...current.regions, ...added].sort();
    } else if (!down && current) {
      transitions.push({
        type: "resolved",
        incident: current,
        regions: [...current.regions],
        at: result.checkedAt,
      });
      current = null;
    }
  }
  return { changed, transitions, open: current };
}

/**
 * When an outage that began at `from` and was confirmed at `to` counts from: the end of the
 * last maintenance window between the two, if any (back-to-back windows end with the last).
 */
function quietUntil(monitor: Monitor, from: number, to: number): number {
  let at = from;
  for (const w of monitor.maintenance ?? []) {
    if (w.startsAt <= to && w.endsAt > from) at = Math.max(at, w.endsAt);
  }
  return at;
}

function emptyState(region: string): RegionState {
  return {
    region,
    lastSlot: 0,
    failures: 0,
    successes: 0,
    failing: false,
    streakStartedAt: null,
    streakCause: null,
  };
}

function applyResult(state: RegionState, result: CheckResult, confirmations: number): RegionState {
  const next = { ...state, lastSlot: result.slot };
  if (result.up) {
    next.failures = 0;
    // Counted only on the way back, so an up result leaves a region that is up exactly as
    // it was (the evaluation then only moves its last slot: settled.ts).
    next.successes = state.failing ? Math.min(state.successes + 1, confirmations) : 0;
    if (next.successes >= confirmations) {
      next.failing = false;
      next.successes = 0;
    }
  } else {
    // A failing region keeps the first failure of its outage through short recoveries.
    if (state.failures === 0 && !state.failing) {
      next.streakStartedAt = result.checkedAt;
      next.streakCause = result.cause;
    }
    next.successes = 0;
    next.failures = Math.min(state.failures + 1, confirmations);
    if (next.failures >= confirmations) next.failing = true;
  }
  return next;
}
