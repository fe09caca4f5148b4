/**
 * One event becomes one queued delivery per channel attached to the monitor
 * (all of the owner's channels when the monitor names none). An escalation goes to the
 * monitor's escalation channels instead, and once an incident escalated, its reminders
 * and its end go to them as well. Inserting is idempotent per
 * (channel, event id): a repeated event queues nothing new. A kind of channel that takes
 * only some alerts (`Provider.events`: PagerDuty is not reminded, a phone call is made
 * only for down and reminders) is left out of the others. An incident's end goes only to
 * channels that were told it began: those that existed when it started, or got any alert
 * of it since; one added later would hear of an outage only as "resolved".
 */
import type postgres from "postgres";
import type { AlertEvent } from "../../../lib/incident_event.ts";
import { kindsWithout } from "../providers/mod.ts";
// (drizzle makes postgres.js pass JSON through as text, so the event goes as text::jsonb.)

/** Queues the event's deliveries; returns how many are new. */
export async function queueDeliveries(sql: postgres.Sql, event: AlertEvent): Promise<number> {
  const incidentId = event.type === "certificate" ? null : event.incidentId;
  const notFor = kindsWithout(event.type);
  const rows = await sql`
    insert into notification_deliveries (channel_id, event_id, event_type, incident_id, event)
    select c.id, ${event.id}, ${event.type}, ${incidentId}, ${JSON.stringify(event)}::jsonb
    from websites w
    join notification_channels c on c.owner_id = w.owner_id
    where w.id = ${event.websiteId} and w.owner_id = ${event.ownerId}
      and case when ${event.type} = 'escalated' then c.id = any(w.escalation_channel_ids)
        else w.notification_channel_ids is null or c.id = any(w.notification_channel_ids)
          or (${event.type} in ('reminder', 'resolved') and c.id = any(w.escalation_channel_ids)
            and exists (
              select 1 from incidents i where i.id = ${incidentId} and i.escalated_at is not null))
        end
      and not (c.kind = any(${notFor}::text[]))
      and (${event.type} <> 'resolved'
        or c.created_at <= (select i.started_at from incidents i where i.id = ${incidentId})
        or exists (select 1 from notification_deliveries d
          where d.channel_id = c.id and d.incident_id = ${incidentId}))
    on conflict (channel_id, event_id) do nothing
    returning id`;
  return rows.length;
}
