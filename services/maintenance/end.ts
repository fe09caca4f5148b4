import { eq } from "drizzle-orm";
import { maintenances } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import {
  forgetPagesOf,
  loadOwnedWindow,
  maintenanceState,
  type MaintenanceView,
  toView,
  windowWebsites,
} from "./windows.ts";

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
  const window = { startsAt: row.startsAt.getTime(), endsAt: row.endsAt.getTime() };
  const state = maintenanceState(window);
  if (state !== "in-progress") {
    throw new DomainError(
      "CONFLICT",
      state === "scheduled"
        ? "This maintenance window has not started; cancel it instead"
        : "This maintenance window has already ended",
    );
  }
  const [ended] = await services.db.update(maintenances)
    .set({ endsAt: new Date() })
    .where(eq(maintenances.id, row.id))
    .returning();
  const websiteIds = (await windowWebsites(services.db, [row.id])).get(row.id)!;
  await forgetPagesOf(services, websiteIds);
  return toView(ended, websiteIds);
}
