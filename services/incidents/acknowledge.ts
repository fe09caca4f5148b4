/**
 * Marks an incident as seen: who and when. The first acknowledgement stands; doing it
 * again changes nothing (a double click, or a form posted twice).
 */
import type { Actor, Services } from "../context.ts";
import { notFound } from "../errors.ts";
import { type Incident, ownedIncident } from "./store.ts";

export async function acknowledgeIncident(
  services: Services,
  actor: Actor,
  id: string,
): Promise<Incident> {
  const rows = await services.sql`
    update incidents i set acknowledged_at = coalesce(i.acknowledged_at, now()),
      acknowledged_by = case when i.acknowledged_at is null then ${actor.userId}::uuid
                             else i.acknowledged_by end
    from websites w
    where i.id = ${id} and w.id = i.website_id and w.owner_id = ${actor.userId}
    returning i.id`;
  if (!rows.length) throw notFound("Incident");
  return await ownedIncident(services.sql, actor, id);
}
