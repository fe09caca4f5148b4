import { and, desc, eq, gt } from "drizzle-orm";
import { maintenances } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { loadOwnedWindow, type MaintenanceView, toView, windowWebsites } from "./windows.ts";

/** Completed windows are listed for this long after their end. */
export const COMPLETED_SHOWN_MS = 30 * 86_400_000;

/**
 * The actor's windows: in progress first, then scheduled ones, soonest first, then those
 * completed in the last 30 days, latest first.
 */
export async function listMaintenances(
  services: Services,
  actor: Actor,
  now = Date.now(),
): Promise<MaintenanceView[]> {
  const rows = await services.readDb.select().from(maintenances)
    .where(and(
      eq(maintenances.ownerId, actor.accountId),
      gt(maintenances.endsAt, new Date(now - COMPLETED_SHOWN_MS)),
    ))
    .orderBy(desc(maintenances.endsAt))
    .limit(500);
  const entries = await windowWebsites(services.readDb, rows.map((row) => row.id));
  const views = rows.map((row) => toView(row, entries.get(row.id)!, now));
  const rank = { "in-progress": 0, scheduled: 1, completed: 2 } as const;
  return views.sort((a, b) =>
    rank[a.state] - rank[b.state] ||
    (a.state === "completed" ? b.endsAt - a.endsAt : a.startsAt - b.startsAt)
  );
}

/** One of the actor's windows, or NOT_FOUND. */
export async function getMaintenance(
  services: Services,
  actor: Actor,
  id: string,
): Promise<MaintenanceView> {
  const row = await loadOwnedWindow(services.db, actor, id);
  return toView(row, (await windowWebsites(services.db, [row.id])).get(row.id)!);
}
