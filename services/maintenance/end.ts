import { and, eq, gt, lte, sql } from "drizzle-orm";
import { maintenances } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import {
  loadOwnedWindow,
  maintenanceState,
  type MaintenanceView,
  toView,
  windowWebsites,
} from "./windows.ts";
import { forgetPagesOf } from "../status_pages/pages_changed.ts";

/**
 * Ends a window in progress now: its monitors alert again from their next failed checks
 * (a monitor still down opens its incident then).
 */
export async function endMaintenance(
  services: Services,
  actor: Actor,
  id: string,
): Promise<MaintenanceView> {
  const row = await loadOwnedWindow(services.db, actor, id);
  // Only while it is in progress, decided by the statement itself: a window that ended or
  // was deleted meanwhile is not touched.
  const [ended] = await services.db.update(maintenances)
    // To the millisecond, as the API and the evaluation read it back.
    .set({ endsAt: sql`date_trunc('milliseconds', now())` })
    .where(and(
      eq(maintenances.id, row.id),
      lte(maintenances.startsAt, sql`now()`),
      gt(maintenances.endsAt, sql`now()`),
    ))
    .returning();
  if (!ended) {
    const state = maintenanceState({
      startsAt: row.startsAt.getTime(),
      endsAt: row.endsAt.getTime(),
    });
    throw new DomainError(
      "CONFLICT",
      state === "scheduled"
        ? "This maintenance window has not started; cancel it instead"
        : "This maintenance window has already ended",
    );
  }
  const websiteIds = (await windowWebsites(services.db, [row.id])).get(row.id)!;
  await forgetPagesOf(services, websiteIds);
  return toView(ended, websiteIds);
}
