/**
 * Pause, resume or delete: one of the actor's monitors, or several at once (the list's
 * ticked monitors, `website.bulk`). Pausing may resolve the monitor's ongoing incident as
 * well: paused, nothing would end it, since no check runs to see the site up again.
 */
import { z } from "zod";
import type { Actor, Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import { listIncidents } from "../incidents/list.ts";
import { resolveIncident } from "../incidents/resolve.ts";
import type { Incident } from "../incidents/store.ts";
import { deleteWebsite } from "./delete.ts";
import { setWebsiteActive } from "./set_active.ts";

export const MONITOR_ACTIONS = ["pause", "resume", "delete"] as const;
export type MonitorAction = typeof MONITOR_ACTIONS[number];

/** Monitors one bulk action takes: more than a page of the list (50). */
export const MAX_BULK = 100;

export const bulkInput = z.strictObject({
  action: z.enum(MONITOR_ACTIONS, { error: 'action: expected "pause", "resume" or "delete"' }),
  ids: z.array(z.uuid({ error: "not a valid website id" }), {
    error: "ids: expected a list of website ids",
  })
    .min(1, "ids: at least one website id")
    .max(MAX_BULK, `ids: at most ${MAX_BULK} at a time`),
  /** Pausing: also resolve the ongoing incidents of the monitors paused. */
  resolveIncidents: z.boolean({ error: "resolveIncidents: expected true or false" }).optional(),
});

export type BulkInput = z.infer<typeof bulkInput>;

/** The monitor's incident that has not ended, if any (a monitor has one at most). */
export async function ongoingIncident(
  services: Services,
  actor: Actor,
  websiteId: string,
): Promise<Incident | null> {
  const [latest] = (await listIncidents(services, actor, { websiteId })).incidents;
  return latest?.resolvedAt === null ? latest : null;
}

/**
 * Does `action` to one monitor; says whether pausing resolved its ongoing incident too
 * (asked with `resolve`). NOT_FOUND when the actor has no such monitor.
 */
export async function applyMonitorAction(
  services: Services,
  actor: Actor,
  id: string,
  action: MonitorAction,
  resolve = false,
): Promise<{ resolved: boolean }> {
  if (action === "delete") {
    await deleteWebsite(services, actor, id);
    return { resolved: false };
  }
  await setWebsiteActive(services, actor, { id, active: action === "resume" });
  // Paused first: no result still in flight can open another incident after this one.
  const ongoing = action === "pause" && resolve ? await ongoingIncident(services, actor, id) : null;
  if (ongoing) await resolveIncident(services, actor, ongoing.id);
  return { resolved: ongoing !== null };
}

/**
 * Does the action to each of the monitors, one after another, as to one; returns those it
 * changed (one deleted meanwhile, or not the actor's, is left out) and how many incidents
 * pausing resolved.
 */
export async function applyBulkAction(
  services: Services,
  actor: Actor,
  input: BulkInput,
): Promise<{ ids: string[]; resolvedIncidents: number }> {
  const outcome = { ids: [] as string[], resolvedIncidents: 0 };
  for (const id of new Set(input.ids)) {
    try {
      const { resolved } = await applyMonitorAction(
        services,
        actor,
        id,
        input.action,
        input.resolveIncidents,
      );
      outcome.ids.push(id);
      if (resolved) outcome.resolvedIncidents++;
    } catch (error) {
      if (!(error instanceof DomainError && error.code === "NOT_FOUND")) throw error;
    }
  }
  return outcome;
}
