/**
 * The one rule of when a maintenance window holds: from its start, up to (not including)
 * its end, in epoch ms. Used by the evaluation, the status page's server and its browser
 * store. Imports nothing, so islands can bundle it.
 */
export interface MaintenanceWindow {
  startsAt: number;
  endsAt: number;
}

/** Whether one of these windows holds at `at`. */
export function inWindow(windows: readonly MaintenanceWindow[], at: number): boolean {
  return windows.some((w) => w.startsAt <= at && at < w.endsAt);
}
