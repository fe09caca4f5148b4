/**
 * What the maintenance verbs share: a window's shape and loading the actor's own.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import { maintenances, maintenanceWebsites } from "../../db/postgres/schema.ts";
import type { Actor } from "../context.ts";
import { DomainError, notFound } from "../errors.ts";
import type { Queryable } from "../status_pages/pages.ts";
import type { Repeat } from "./input.ts";

export type MaintenanceState = "scheduled" | "in-progress" | "completed";

/** A maintenance window as its owner sees it. */
export interface MaintenanceView {
  id: string;
  title: string;
  message: string;
  /** Epoch ms. */
  startsAt: number;
  /** Epoch ms. */
  endsAt: number;
  state: MaintenanceState;
  websiteIds: string[];
  /** One of a repeating window's: how often, and which of how many as scheduled. */
  series: { id: string; every: Repeat; index: number; size: number } | null;
}

type MaintenanceRow = typeof maintenances.$inferSelect;

export function maintenanceState(
  window: { startsAt: number; endsAt: number },
  now = Date.now(),
): MaintenanceState {
  if (now < window.startsAt) return "scheduled";
  return now < window.endsAt ? "in-progress" : "completed";
}

export function toView(row: MaintenanceRow, websiteIds: string[], now = Date.now()) {
  const window = { startsAt: row.startsAt.getTime(), endsAt: row.endsAt.getTime() };
  return {
    id: row.id,
    title: row.title,
    message: row.message,
    ...window,
    state: maintenanceState(window, now),
    websiteIds,
    series: row.seriesId
      ? {
        id: row.seriesId,
        every: row.repeatEvery as Repeat,
        index: row.seriesIndex ?? 1,
        size: row.seriesSize ?? 1,
      }
      : null,
  } satisfies MaintenanceView;
}

const PAST_START_GRACE_MS = 5 * 60_000;

/**
 * A window being set may start at once, not end in the past. A few minutes' grace for a
 * form filled in slowly; beyond that, planned work is not announced after the fact (it
 * would also quiet failures already checked). Without `startsAt`, the start is not set.
 */
export function assertAhead(times: { startsAt?: number; endsAt: number }, now: number): void {
  if (times.endsAt <= now) {
    throw new DomainError("BAD_REQUEST", "endsAt: must be in the future");
  }
  if (times.startsAt !== undefined && times.startsAt < now - PAST_START_GRACE_MS) {
    throw new DomainError(
      "BAD_REQUEST",
      "startsAt: must not be in the past; give the current time to start at once",
    );
  }
}

/** The actor's window, or NOT_FOUND: another user's is indistinguishable from none. */
export async function loadOwnedWindow(
  db: Queryable,
  actor: Actor,
  id: string,
): Promise<MaintenanceRow> {
  const [row] = await db.select().from(maintenances)
    .where(and(eq(maintenances.id, id), eq(maintenances.ownerId, actor.accountId)));
  if (!row) throw notFound("maintenance window");
  return row;
}

/** Each window's monitors (by id; callers order them by name or by page). */
export async function windowWebsites(
  db: Queryable,
  ids: string[],
): Promise<Map<string, string[]>> {
  const byWindow = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (!ids.length) return byWindow;
  const rows = await db.select().from(maintenanceWebsites)
    .where(inArray(maintenanceWebsites.maintenanceId, ids))
    .orderBy(asc(maintenanceWebsites.websiteId));
  for (const row of rows) byWindow.get(row.maintenanceId)?.push(row.websiteId);
  return byWindow;
}
