import { and, eq, lt } from "drizzle-orm";
import { maintenances, maintenanceWebsites } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { assertOwnWebsites } from "../websites/owned.ts";
import type { CreateMaintenanceInput } from "./input.ts";
import { COMPLETED_SHOWN_MS } from "./list.ts";
import { assertAhead, type MaintenanceView, toView } from "./windows.ts";
import { forgetPagesOf } from "../status_pages/pages_changed.ts";
import { occurrences } from "./repeat.ts";
import { queueMaintenanceMails } from "../subscribers/queue.ts";

/**
 * Schedules a window for some of the actor's monitors; it may start at once, not end in the
 * past. With `repeat`, the windows of the series at once (see repeat.ts); the first is
 * returned.
 */
export async function createMaintenance(
  services: Services,
  actor: Actor,
  input: CreateMaintenanceInput,
): Promise<MaintenanceView> {
  const now = Date.now();
  assertAhead(input, now);
  const view = await services.db.transaction(async (tx) => {
    await assertOwnWebsites(tx, actor, input.websiteIds);
    // Windows over for 30 days are in no list, no page and no evaluation: they go.
    await tx.delete(maintenances).where(and(
      eq(maintenances.ownerId, actor.accountId),
      lt(maintenances.endsAt, new Date(now - COMPLETED_SHOWN_MS)),
    ));
    const times = input.repeat ? await occurrences(input, input.repeat, input.timeZone) : [input];
    const seriesId = input.repeat ? crypto.randomUUID() : null;
    const rows = await tx.insert(maintenances).values(times.map((at, index) => ({
      ownerId: actor.accountId,
      title: input.title,
      message: input.message,
      startsAt: new Date(at.startsAt),
      endsAt: new Date(at.endsAt),
      ...(seriesId && {
        seriesId,
        repeatEvery: input.repeat!.every,
        seriesIndex: index + 1,
        seriesSize: times.length,
      }),
    }))).returning();
    await tx.insert(maintenanceWebsites).values(
      rows.flatMap((row) =>
        input.websiteIds.map((websiteId) => ({ maintenanceId: row.id, websiteId }))
      ),
    );
    const first = rows.reduce((a, b) => a.startsAt <= b.startsAt ? a : b);
    return toView(first, [...input.websiteIds].sort());
  });
  await forgetPagesOf(services, view.websiteIds);
  // A series is announced once, by its first window.
  await queueMaintenanceMails(services, {
    ...view,
    kind: "scheduled",
    repeat: view.series ? { every: view.series.every, times: view.series.size } : null,
  }, view.websiteIds);
  return view;
}
