/**
 * Deletes an update of an incident of the actor's monitor; its status pages drop it at
 * once, and mails about it that have not gone out are not sent.
 */
import type { Actor, Services } from "../context.ts";
import { notFound } from "../errors.ts";
import { forgetPagesOf } from "../status_pages/pages_changed.ts";

export async function deleteIncidentUpdate(
  services: Services,
  actor: Actor,
  id: string,
  /** The incident it must belong to, when the caller names one (a page's URL). */
  incidentId?: string,
): Promise<{ id: string; incidentId: string }> {
  const [row] = await services.sql`
    delete from incident_updates u using incidents i, websites w
    where u.id = ${id} and i.id = u.incident_id and w.id = i.website_id
      and w.owner_id = ${actor.accountId}
      ${incidentId ? services.sql`and u.incident_id = ${incidentId}` : services.sql``}
    returning u.incident_id, i.website_id`;
  if (!row) throw notFound("Update");
  // Subscribers not mailed yet are not told of words that were taken back.
  await services.sql`
    delete from subscriber_mails where key = ${`update:${id}`} and status = 'pending'`;
  await forgetPagesOf(services, [row.website_id]);
  return { id, incidentId: row.incident_id };
}
