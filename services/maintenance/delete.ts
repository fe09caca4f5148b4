import { eq } from "drizzle-orm";
import { maintenances } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import { forgetPagesOf, loadOwnedWindow, windowWebsites } from "./windows.ts";

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
  // Cancelling from a page left open: a window that has started since stays.
  if (options.onlyScheduled && row.startsAt.getTime() <= Date.now()) {
    throw new DomainError("CONFLICT", "This maintenance window has already started");
  }
  const websiteIds = (await windowWebsites(services.db, [row.id])).get(row.id)!;
  await services.db.delete(maintenances).where(eq(maintenances.id, row.id));
  await forgetPagesOf(services, websiteIds);
  return { id: row.id };
}
