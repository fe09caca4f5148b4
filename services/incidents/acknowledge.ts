/**
 * Marks an ongoing incident as seen: who and when. The first acknowledgement stands; doing
 * it again changes nothing (a double click, or a form posted twice), and neither does
 * acknowledging one that has ended (a page left open since).
 */
import type { Actor, Services } from "../context.ts";
import { type Incident, ownedIncident } from "./store.ts";

export async function acknowledgeIncident(
  services: Services,
  actor: Actor,
  id: string,
): Promise<Incident> {
  await services.sql`
    update incidents i set acknowledged_at = now(), acknowledged_by = ${actor.userId}::uuid
    from websites w
    where i.id = ${id} and w.id = i.website_id and w.owner_id = ${actor.accountId}
      and i.acknowledged_at is null and i.resolved_at is null`;
  // Someone else's, or no such incident: not found.
  return await ownedIncident(services.sql, actor, id);
}
