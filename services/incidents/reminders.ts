/**
 * Reminders of incidents nobody has acknowledged. A monitor with `remind_every_minutes`
 * set has its channels told again that it is still down each time that long has passed
 * since its incident opened (or since it was resumed after a pause), until someone
 * acknowledges or resolves the incident or its checks pass again. None go out while the
 * monitor is paused or in a maintenance window. Reminders keep to that grid: a late sweep
 * neither shifts the next one nor sends the missed ones. The leading publisher looks every
 * {@link REMINDER_SWEEP_MS}; each reminder is a `reminder` event in the outbox the
 * incident events go through, counted on the incident in the same transaction, so it is
 * sent once however often the sweep runs or fails.
 *
 * ```ts
 * await remindOpenIncidents({ sql, redis, keys }); // events written and relayed
 * ```
 */
import type postgres from "postgres";
import { type AlertEvent, type ReminderEvent, reminderEventId } from "../../lib/incident_event.ts";
import type { Redis } from "../../lib/redis.ts";
import type { RedisKeys } from "../../lib/redis_keys.ts";
import { insertIntoOutbox, relayIncidentEvents } from "./evaluation/event_relay.ts";
import { incidentEventColumns, incidentEventFacts } from "./store.ts";

export const REMINDER_SWEEP_MS = 30_000;
const BATCH = 500;

export interface ReminderSweep {
  sql: postgres.Sql;
  redis: Redis;
  keys: RedisKeys;
}

/**
 * Writes the events `decide` returns to the outbox in the transaction it ran in, then
 * relays them; returns how many. Reminders and escalations (escalations.ts) sweep so.
 */
export async function sweepIntoOutbox(
  sweep: ReminderSweep,
  decide: (tx: postgres.TransactionSql) => Promise<AlertEvent[]>,
): Promise<number> {
  const events = await sweep.sql.begin(async (tx) => {
    const events = await decide(tx);
    await insertIntoOutbox(tx, events);
    return events;
  });
  if (events.length) await relayIncidentEvents(sweep.sql, sweep.redis, sweep.keys);
  return events.length;
}

/** Whether a maintenance window holds the website `w` at `at`. */
export const inMaintenance = (tx: postgres.TransactionSql, at: string) =>
  tx`exists (
    select 1 from maintenance_websites mw join maintenances m on m.id = mw.maintenance_id
    where mw.website_id = w.id and m.starts_at <= ${at}::timestamptz
      and m.ends_at > ${at}::timestamptz)`;

/** The regions of the website `w` failing now, as `failing`: see {@link failingNow}. */
export const failingColumn = (tx: postgres.TransactionSql) =>
  tx`array(select r.region from region_states r
    where r.website_id = w.id and r.failing order by r.region) as failing`;

/** Where it is failing now; the incident's regions when no region is just now. */
export const failingNow = (row: postgres.Row, incidentRegions: string[]): string[] =>
  row.failing.length ? row.failing : incidentRegions;

/** Writes (and relays) a reminder per incident due one; returns how many. */
export function remindOpenIncidents(sweep: ReminderSweep, now = new Date()): Promise<number> {
  // (drizzle has postgres.js take timestamps as text.)
  const at = now.toISOString();
  return sweepIntoOutbox(sweep, async (tx) => {
    const rows = await tx`
      with due as (
        select i.id, w.remind_every_minutes * 60 as period,
          greatest(coalesce(i.last_reminded_at, i.created_at), w.resumed_at) as since
        from incidents i join websites w on w.id = i.website_id
        where i.resolved_at is null and i.acknowledged_at is null
          and w.active and w.remind_every_minutes is not null
          and greatest(coalesce(i.last_reminded_at, i.created_at), w.resumed_at)
            + w.remind_every_minutes * interval '1 minute' <= ${at}::timestamptz
          and not ${inMaintenance(tx, at)}
        order by i.created_at
        limit ${BATCH}
        for update of i skip locked
      )
      update incidents i
      set reminders_sent = i.reminders_sent + 1,
        -- The last point of the grid by now, not now: no drift, no catching up.
        last_reminded_at = due.since + due.period * interval '1 second'
          * floor(extract(epoch from ${at}::timestamptz - due.since) / due.period)
      from due, websites w
      where i.id = due.id and w.id = i.website_id
      returning ${incidentEventColumns(tx)}, i.reminders_sent, ${failingColumn(tx)}`;
    return rows.map((row): ReminderEvent => {
      const facts = incidentEventFacts(row);
      return {
        ...facts,
        id: reminderEventId(row.id, row.reminders_sent),
        type: "reminder",
        count: row.reminders_sent,
        failingRegions: failingNow(row, facts.failingRegions),
        at: now.getTime(),
      };
    });
  });
}
