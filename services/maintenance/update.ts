import { and, eq } from "drizzle-orm";
import { maintenances, maintenanceWebsites } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { DomainError, notFound } from "../errors.ts";
import { assertOwnWebsites } from "../websites/owned.ts";
import { spanProblem, type UpdateMaintenanceInput } from "./input.ts";
import {
  assertAhead,
  maintenanceState,
  type MaintenanceView,
  toView,
  windowWebsites,
} from "./windows.ts";
import { forgetPagesOf } from "../status_pages/pages_changed.ts";
import { queueMaintenanceMails } from "../subscribers/queue.ts";

/**
 * Changes a window that has not ended: a scheduled one in every field, under the rules of
 * a new one; one in progress in all but its start, which has happened (the evaluation
 * already kept its monitors quiet since then). It stays a window of the actor's monitors.
 */
export async function updateMaintenance(
  services: Services,
  actor: Actor,
  input: UpdateMaintenanceInput,
): Promise<MaintenanceView> {
  const { view, touched, moved } = await services.db.transaction(async (tx) => {
    // Locked, so that "End now" or another edit meanwhile is decided before or after this.
    const [row] = await tx.select().from(maintenances)
      .where(and(eq(maintenances.id, input.id), eq(maintenances.ownerId, actor.accountId)))
      .for("update");
    if (!row) throw notFound("maintenance window");
    const now = Date.now();
    const startedAt = row.startsAt.getTime();
    const state = maintenanceState({ startsAt: startedAt, endsAt: row.endsAt.getTime() }, now);
    if (state === "completed") {
      throw new DomainError("CONFLICT", "This maintenance window has already ended");
    }
    const keepsStart = input.startsAt === undefined || input.startsAt === startedAt;
    if (state === "in-progress" && !keepsStart) {
      throw new DomainError(
        "BAD_REQUEST",
        "startsAt: this window has started, so its start stays; end it now or change its end",
      );
    }
    const startsAt = input.startsAt ?? startedAt;
    assertAhead({ startsAt: keepsStart ? undefined : startsAt, endsAt: input.endsAt }, now);
    const problem = spanProblem(startsAt, input.endsAt);
    if (problem) throw new DomainError("BAD_REQUEST", problem);
    await assertOwnWebsites(tx, actor, input.websiteIds);
    const before = (await windowWebsites(tx, [row.id])).get(row.id)!;
    const [updated] = await tx.update(maintenances).set({
      title: input.title,
      message: input.message,
      startsAt: new Date(startsAt),
      endsAt: new Date(input.endsAt),
    }).where(eq(maintenances.id, row.id)).returning();
    await tx.delete(maintenanceWebsites).where(eq(maintenanceWebsites.maintenanceId, row.id));
    await tx.insert(maintenanceWebsites).values(
      input.websiteIds.map((websiteId) => ({ maintenanceId: row.id, websiteId })),
    );
    return {
      view: toView(updated, [...input.websiteIds].sort(), now),
      moved: updated.startsAt.getTime() !== startedAt ||
        updated.endsAt.getTime() !== row.endsAt.getTime(),
      // A monitor taken out of the window is on pages that showed it.
      touched: [...new Set([...before, ...input.websiteIds])],
    };
  });
  await forgetPagesOf(services, touched);
  // New times are news to subscribers; a new title or message alone is not.
  if (moved) {
    await queueMaintenanceMails(
      services,
      { ...view, kind: "changed", repeat: null },
      view.websiteIds,
    );
  }
  return view;
}
