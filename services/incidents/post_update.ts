/**
 * Posts an update to an incident of the actor's monitor (see updates.ts), and tells the
 * status pages showing that monitor, and their subscribers by email. The same update sent
 * twice within 30 s (a form posted twice) is the one already posted.
 */
import type { Actor, Services } from "../context.ts";
import { DomainError, notFound } from "../errors.ts";
import { forgetPagesOf } from "../status_pages/pages_changed.ts";
import type { PostUpdateInput } from "./schemas.ts";
import {
  type IncidentUpdate,
  MAX_UPDATES,
  selectUpdates,
  toUpdate,
  UPDATE_STATUS_WORDS,
  updateColumns,
} from "./updates.ts";
import { queueUpdateMails } from "../subscribers/queue.ts";

export async function postIncidentUpdate(
  services: Services,
  actor: Actor,
  input: PostUpdateInput,
): Promise<IncidentUpdate> {
  const { update, websiteId } = await services.sql.begin(async (tx) => {
    // The incident's row lock keeps two posts from both passing the count.
    const [incident] = await tx`
      select i.website_id from incidents i join websites w on w.id = i.website_id
      where i.id = ${input.incidentId} and w.owner_id = ${actor.accountId}
      for update of i`;
    if (!incident) throw notFound("Incident");
    // The same words posted again within seconds: a double click, not a second update.
    const [twice] = await tx`${selectUpdates(tx)}
      where u.incident_id = ${input.incidentId} and u.status = ${input.status}
        and u.message = ${input.message} and u.created_at > now() - interval '30 seconds'
      order by u.created_at desc limit 1`;
    if (twice) return { update: toUpdate(twice), websiteId: incident.website_id as string };
    const [{ count }] = await tx`
      select count(*)::int as count from incident_updates where incident_id = ${input.incidentId}`;
    if (count >= MAX_UPDATES) {
      throw new DomainError(
        "BAD_REQUEST",
        `message: an incident takes at most ${MAX_UPDATES} updates; delete one first`,
      );
    }
    const [row] = await tx`
      insert into incident_updates as u (incident_id, status, message, author_id)
      values (${input.incidentId}, ${input.status}, ${input.message}, ${actor.userId})
      returning ${updateColumns(tx)},
        (select coalesce(name, email) from users where id = ${actor.userId}) as author`;
    const update = toUpdate(row);
    // With the update, or not at all: subscribers of the pages showing it hear of it once.
    await queueUpdateMails(tx, services.config, incident.website_id, {
      id: update.id,
      statusWord: UPDATE_STATUS_WORDS[update.status],
      message: update.message,
      createdAt: update.createdAt,
    });
    return { update, websiteId: incident.website_id as string };
  });
  await forgetPagesOf(services, [websiteId]);
  return update;
}
