import { and, asc, eq, gt, inArray } from "drizzle-orm";
import { maintenances, maintenanceWebsites } from "../../db/postgres/schema.ts";
import type { Queryable } from "../status_pages/pages.ts";
import { inWindow } from "../../lib/maintenance_window.ts";
import type { Repeat } from "./input.ts";

/**
 * The windows a page lists: those in progress and, of a repeating window, only the next
 * one still to come (the rest of its series would crowd the page).
 */
export function listedWindows(windows: CurrentWindow[], now: number): CurrentWindow[] {
  const nextShown = new Set<string>();
  return windows.filter((w) => {
    if (!w.seriesId || w.startsAt <= now) return true;
    if (nextShown.has(w.seriesId)) return false;
    nextShown.add(w.seriesId);
    return true;
  });
}

/** A window in progress or still to come, with those of the asked-for monitors it covers. */
export interface CurrentWindow {
  id: string;
  title: string;
  message: string;
  /** Epoch ms. */
  startsAt: number;
  /** Epoch ms. */
  endsAt: number;
  websiteIds: string[];
  /** For one of a repeating window's: its series, and how often it repeats. */
  seriesId: string | null;
  repeatEvery: Repeat | null;
}

/** The windows of these monitors that have not ended, soonest first (at most `limit`). */
export async function currentWindows(
  db: Queryable,
  websiteIds: string[],
  now = Date.now(),
  limit = 20,
): Promise<CurrentWindow[]> {
  if (!websiteIds.length) return [];
  const rows = await db.select({
    id: maintenances.id,
    title: maintenances.title,
    message: maintenances.message,
    startsAt: maintenances.startsAt,
    endsAt: maintenances.endsAt,
    seriesId: maintenances.seriesId,
    repeatEvery: maintenances.repeatEvery,
    websiteId: maintenanceWebsites.websiteId,
  }).from(maintenanceWebsites)
    .innerJoin(maintenances, eq(maintenances.id, maintenanceWebsites.maintenanceId))
    .where(and(
      inArray(maintenanceWebsites.websiteId, websiteIds),
      gt(maintenances.endsAt, new Date(now)),
    ))
    .orderBy(asc(maintenances.startsAt), asc(maintenances.id))
    .limit(limit * 100);
  const byId = new Map<string, CurrentWindow>();
  for (const row of rows) {
    let window = byId.get(row.id);
    if (!window) {
      if (byId.size === limit) break;
      byId.set(
        row.id,
        window = {
          id: row.id,
          title: row.title,
          message: row.message,
          startsAt: row.startsAt.getTime(),
          endsAt: row.endsAt.getTime(),
          websiteIds: [],
          seriesId: row.seriesId,
          repeatEvery: row.repeatEvery as Repeat | null,
        },
      );
    }
    window.websiteIds.push(row.websiteId);
  }
  return [...byId.values()];
}

/**
 * When a monitor's maintenance in progress at `now` ends: the last end of the windows that
 * follow on from one another; null when it is in none.
 */
export function maintenanceUntil(
  windows: CurrentWindow[],
  websiteId: string,
  now: number,
): number | null {
  const mine = windows.filter((w) => w.websiteIds.includes(websiteId));
  let until = now;
  for (let more = true; more;) {
    more = false;
    for (const w of mine) {
      if (w.startsAt <= until && w.endsAt > until) [until, more] = [w.endsAt, true];
    }
  }
  return until > now ? until : null;
}

/** Whether a monitor is in one of these windows at `at`. */
export function inWindowOf(windows: CurrentWindow[], websiteId: string, at: number): boolean {
  return inWindow(windows.filter((w) => w.websiteIds.includes(websiteId)), at);
}
