/**
 * Cancels a repeating window's scheduled windows from this one on: this one and the later
 * ones of its series that have not started (decided by the statement itself, so a page
 * left open cancels nothing that has begun since). Earlier ones, and one in progress,
 * stay.
 */
import { and, eq, gt, gte, sql } from "drizzle-orm";
import { maintenances } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import { forgetPagesOf } from "../status_pages/pages_changed.ts";
import { loadOwnedWindow, toView, windowWebsites } from "./windows.ts";
import { queueMaintenanceMails } from "../subscribers/queue.ts";

export async function cancelRestOfSeries(
  services: Services,
  actor: Actor,
  id: string,
): Promise<{ cancelled: number }> {
  const row = await loadOwnedWindow(services.db, actor, id);
  if (!row.seriesId) {
    throw new DomainError("BAD_REQUEST", "id: this maintenance window does not repeat");
  }
  // The windows' monitors, as this one has them (a series is scheduled for one set), read
  // before the delete takes them with it.
  const websiteIds = (await windowWebsites(services.db, [row.id])).get(row.id) ?? [];
  const deleted = await services.db.delete(maintenances).where(and(
    eq(maintenances.ownerId, actor.accountId),
    eq(maintenances.seriesId, row.seriesId),
    gte(maintenances.startsAt, row.startsAt),
    gt(maintenances.startsAt, sql`now()`),
  )).returning();
  if (!deleted.length) {
    throw new DomainError("CONFLICT", "This maintenance window has already started");
  }
  await forgetPagesOf(services, websiteIds);
  const first = deleted.reduce((a, b) => a.startsAt <= b.startsAt ? a : b);
  await queueMaintenanceMails(services, {
    ...toView(first, websiteIds),
    kind: "cancelled",
    repeat: null,
    withLater: deleted.length > 1,
  }, websiteIds);
  return { cancelled: deleted.length };
}
