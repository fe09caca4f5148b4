/**
 * Escalation of incidents nobody acknowledges. A monitor with `escalate_after_minutes`
 * set alerts its escalation channels (`escalation_channel_ids`: the person on call's
 * phone, the team lead) once, when an incident of it is still open and unacknowledged that
 * long after it opened (or after the monitor was resumed from a pause), or earlier when a
 * person escalates it from its page ({@link escalateIncidentNow}). From then on those
 * channels hear the incident's reminders and its end as well
 * (notifications/dispatcher/fan_out.ts). None escalates while the monitor is paused or in a
 * maintenance window. The leading publisher sweeps with the reminders (every 30 s); the
 * escalation is an `escalated` event in the outbox the incident events go through, written
 * in the transaction that marks the incident, so it is sent once however often the sweep
 * runs or fails.
 *
 * ```ts
 * await escalateOpenIncidents({ sql, redis, keys }); // events written and relayed
 * ```
 */
import { type EscalationEvent, escalationEventId } from "../../lib/incident_event.ts";
import {
  failingColumn,
  failingNow,
  inMaintenance,
  type ReminderSweep,
  sweepIntoOutbox,
} from "./reminders.ts";
import { type Incident, incidentEventColumns, incidentEventFacts, ownedIncident } from "./store.ts";
import type { Actor, Services } from "../context.ts";
import type postgres from "postgres";

const BATCH = 500;

/** Writes (and relays) an escalation per incident due one; returns how many. */
export function escalateOpenIncidents(sweep: ReminderSweep, now = new Date()): Promise<number> {
  return escalate(sweep, now, null, (tx, at) =>
    tx`greatest(i.created_at, w.resumed_at)
      + w.escalate_after_minutes * interval '1 minute' <= ${at}::timestamptz`);
}

/**
 * Escalates the actor's incident now, before its monitor's time, as a person asks from the
 * incident's page ("Escalate now"), under the same rules otherwise: only an ongoing,
 * unacknowledged incident that has not escalated yet, of a monitor with channels to
 * escalate to, that is neither paused nor in maintenance. Anything else is left as it is
 * (a page left open, a double click); another account's incident is not found.
 */
export async function escalateIncidentNow(
  services: Services,
  actor: Actor,
  id: string,
): Promise<Incident> {
  const [who] = await services.sql`select email from users where id = ${actor.userId}`;
  await escalate(
    services,
    new Date(),
    who ? { userId: actor.userId, email: who.email } : null,
    (tx) => tx`i.id = ${id} and w.owner_id = ${actor.accountId}`,
  );
  return await ownedIncident(services.sql, actor, id);
}

/** Escalates the incidents `which` picks of those that may escalate; returns how many. */
function escalate(
  sweep: ReminderSweep,
  now: Date,
  /** The person who asked; null for the sweep. */
  escalatedBy: { userId: string; email: string } | null,
  which: (tx: postgres.TransactionSql, at: string) => postgres.PendingQuery<postgres.Row[]>,
): Promise<number> {
  // (drizzle has postgres.js take timestamps as text.)
  const at = now.toISOString();
  return sweepIntoOutbox(sweep, async (tx) => {
    const rows = await tx`
      with due as (
        select i.id
        from incidents i join websites w on w.id = i.website_id
        where i.resolved_at is null and i.acknowledged_at is null and i.escalated_at is null
          and w.active and w.escalate_after_minutes is not null
          and cardinality(w.escalation_channel_ids) > 0
          and ${which(tx, at)}
          and not ${inMaintenance(tx, at)}
        order by i.created_at
        limit ${BATCH}
        for update of i skip locked
      )
      update incidents i
      set escalated_at = ${at}::timestamptz, escalated_by = ${escalatedBy?.userId ?? null}
      from due, websites w
      where i.id = due.id and w.id = i.website_id
      returning ${incidentEventColumns(tx)}, w.escalate_after_minutes, ${failingColumn(tx)}`;
    return rows.map((row): EscalationEvent => {
      const facts = incidentEventFacts(row);
      return {
        ...facts,
        id: escalationEventId(row.id),
        type: "escalated",
        afterMinutes: row.escalate_after_minutes,
        escalatedBy: escalatedBy?.email ?? null,
        failingRegions: failingNow(row, facts.failingRegions),
        at: now.getTime(),
      };
    });
  });
}
