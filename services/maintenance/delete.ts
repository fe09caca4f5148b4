import { and, eq, gt, sql } from "drizzle-orm";
import { maintenances } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { DomainError, notFound } from "../errors.ts";
import { loadOwnedWindow, toView, windowWebsites } from "./windows.ts";
import { queueMaintenanceMails } from "../subscribers/queue.ts";
import { forgetPagesOf } from "../status_pages/pages_changed.ts";

/**
 * Deletes a window, whatever its state: a scheduled one is cancelled, one in progress
 * ends at once, a completed one leaves the list and the status pages.
 */
export async function deleteMaintenance(
  services: Services,
  actor: Actor,
  id: string,
  options: { onlyScheduled?: boolean } = {},
): Promise<{ id: string }> {
  const row = await loadOwnedWindow(services.db, actor, id);
  const websiteIds = (await windowWebsites(services.db, [row.id])).get(row.id)!;
  // Cancelling from a page left open: a window that has started since stays (decided by
  // the statement itself).
  const [deleted] = await services.db.delete(maintenances).where(and(
    eq(maintenances.id, row.id),
    options.onlyScheduled ? gt(maintenances.startsAt, sql`now()`) : undefined,
  )).returning();
  if (!deleted) {
    if (options.onlyScheduled) {
      throw new DomainError("CONFLICT", "This maintenance window has already started");
    }
    throw notFound("maintenance window");
  }
  // A completed window was on no status page.
  if (deleted.endsAt.getTime() > Date.now()) await forgetPagesOf(services, websiteIds);
  // One that had not started was announced to subscribers, and is called off.
  if (deleted.startsAt.getTime() > Date.now()) {
    await queueMaintenanceMails(services, {
      ...toView(deleted, websiteIds),
      kind: "cancelled",
      repeat: null,
    }, websiteIds);
  }
  return { id: row.id };
}
