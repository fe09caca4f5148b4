/**
 * Resolves an ongoing incident by hand: the owner says it is over (the monitor is paused
 * for maintenance, or the outage is known and handled). Its channels are told who
 * resolved it, through the same outbox as every other transition. The monitor's regions
 * start from a clean slate: if the site is still down, a new incident opens once its
 * regions fail `confirmations` checks in a row again. Resolving one that is already
 * resolved changes nothing (a double click, or a form posted twice).
 */
import { type IncidentEvent, incidentEventId } from "../../lib/incident_event.ts";
import type { Actor, Services } from "../context.ts";
import { notFound } from "../errors.ts";
import { lockMonitor } from "./evaluation/evaluate.ts";
import { insertIntoOutbox } from "./evaluation/event_relay.ts";
import { type Incident, incidentEventColumns, incidentEventFacts, ownedIncident } from "./store.ts";

export async function resolveIncident(
  services: Services,
  actor: Actor,
  id: string,
): Promise<Incident> {
  await services.sql.begin(async (tx) => {
    const [owned] = await tx`
      select i.website_id, (select email from users where id = ${actor.userId}) as email
      from incidents i join websites w on w.id = i.website_id
      where i.id = ${id} and w.owner_id = ${actor.accountId}`;
    if (!owned) throw notFound("Incident");
    // After any evaluation of this monitor's results in flight, before the next.
    await lockMonitor(tx, owned.website_id);
    const [resolved] = await tx`
      update incidents i set resolved_at = now(), resolved_by = ${actor.userId}
      from websites w
      where i.id = ${id} and i.resolved_at is null and w.id = i.website_id
      returning ${incidentEventColumns(tx)},
        round(extract(epoch from i.resolved_at) * 1000)::float8 as resolved_at`;
    if (!resolved) return;
    await tx`
      update region_states set failures = 0, successes = 0, failing = false,
        streak_started_at = null, streak_error_kind = null, streak_error_message = null,
        streak_http_status = null
      where website_id = ${owned.website_id}`;
    const resolvedAt: number = resolved.resolved_at;
    const event: IncidentEvent = {
      ...incidentEventFacts(resolved),
      id: incidentEventId(id, "resolved"),
      type: "resolved",
      resolvedAt,
      resolvedBy: owned.email,
      at: resolvedAt,
    };
    await insertIntoOutbox(tx, [event]);
  });
  return await ownedIncident(services.sql, actor, id);
}
