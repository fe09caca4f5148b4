import { and, eq, inArray } from "drizzle-orm";
import { maintenances, maintenanceWebsites, websites } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { DomainError, notFound } from "../errors.ts";
import type { CreateMaintenanceInput } from "./input.ts";
import { forgetPagesOf, type MaintenanceView, toView } from "./windows.ts";

/** Schedules a window for some of the actor's monitors; it may start at once, not end in the past. */
export async function createMaintenance(
  services: Services,
  actor: Actor,
  input: CreateMaintenanceInput,
): Promise<MaintenanceView> {
  if (input.endsAt <= Date.now()) {
    throw new DomainError("BAD_REQUEST", "endsAt: must be in the future");
  }
  const view = await services.db.transaction(async (tx) => {
    const owned = new Set(
      (await tx.select({ id: websites.id }).from(websites)
        .where(and(eq(websites.ownerId, actor.userId), inArray(websites.id, input.websiteIds))))
        .map((row) => row.id),
    );
    const missing = input.websiteIds.find((id) => !owned.has(id));
    if (missing) throw notFound(`website ${missing}`);
    const [row] = await tx.insert(maintenances).values({
      ownerId: actor.userId,
      title: input.title,
      message: input.message,
      startsAt: new Date(input.startsAt),
      endsAt: new Date(input.endsAt),
    }).returning();
    await tx.insert(maintenanceWebsites).values(
      input.websiteIds.map((websiteId) => ({ maintenanceId: row.id, websiteId })),
    );
    return toView(row, [...input.websiteIds].sort());
  });
  await forgetPagesOf(services, view.websiteIds);
  return view;
}
