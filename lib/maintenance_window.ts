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

/** A window as queries read it, by website; null in a left join's row without one. */
export interface WindowRow {
  website_id: string;
  starts_at: number | null;
  ends_at: number | null;
}

/**
 * Windows read as rows (`starts_at`, `ends_at` in epoch ms), by website. Every website of
 * the rows has a list; a row without a window (from a left join) leaves it empty.
 */
export function windowsByWebsite(rows: Iterable<WindowRow>): Map<string, MaintenanceWindow[]> {
  const byWebsite = new Map<string, MaintenanceWindow[]>();
  for (const row of rows) {
    let windows = byWebsite.get(row.website_id);
    if (!windows) byWebsite.set(row.website_id, windows = []);
    if (row.starts_at !== null && row.ends_at !== null) {
      windows.push({ startsAt: row.starts_at, endsAt: row.ends_at });
    }
  }
  return byWebsite;
}
