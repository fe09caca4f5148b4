/**
 * The delivery queue's SQL. A due delivery is claimed by moving its `next_attempt_at`
 * past the attempt's timeout (a lease: if this process dies, the row is due again
 * then) and counting the attempt; the outcome is recorded only while that lease is
 * still ours (same attempt count), so a late answer never overwrites a newer attempt.
 */
import type postgres from "postgres";
import { kindsWithout } from "../providers/mod.ts";

/**
 * Kinds no recovery reaches (a phone call): their down message is moot once the incident
 * ended or was acknowledged, as a retry or a wait behind a busy channel can outlast it.
 */
const UNRECALLED = kindsWithout("resolved");

export interface ClaimedDelivery {
  id: string;
  channelId: string;
  eventId: string;
  eventType: string;
  event: unknown;
  attempts: number;
  createdAt: Date;
  kind: string;
  config: Record<string, unknown>;
  /**
   * Why a reminder or escalation is no longer worth sending ("the incident was
   * acknowledged", "a newer reminder replaced it", …); null when it is, and for every other
   * message.
   */
  moot: string | null;
}

/** A claim's lease, for alert deliveries and subscriber mails alike; see {@link holdClaim}. */
export function attemptLeaseMs(timeoutMs: number): number {
  return timeoutMs + 30_000;
}

/**
 * Keeps a claim while its attempt runs: every half lease the row's lease is pushed on, as
 * long as the row is still this attempt's. An HTTP attempt ends by the timeout, but
 * nodemailer bounds each step of a mail (DNS, connect, greeting, each reply), not the
 * send, so a slow mail server could outlast any lease, and another sender would send the
 * same mail again. A process that dies stops holding, and its claims come due when their
 * lease ends. Returns what stops it.
 */
export function holdClaim(
  sql: postgres.Sql,
  table: "notification_deliveries" | "subscriber_mails" | "account_mails",
  claim: { id: string; attempts: number },
  leaseMs: number,
): () => void {
  const timer = setInterval(() => {
    sql`
      update ${sql(table)} set next_attempt_at = now() + ${leaseMs} * interval '1 millisecond'
      where id = ${claim.id} and attempts = ${claim.attempts} and status = 'pending'`
      // Postgres away: the lease runs out, and the row is due again as without a hold.
      .catch(() => {});
  }, leaseMs / 2);
  return () => clearInterval(timer);
}

/** Per process, a channel has at most this many deliveries in flight. */
export const PER_CHANNEL = 2;

/**
 * Claims up to `limit` due deliveries, at most {@link PER_CHANNEL} per channel and none
 * of the `busy` channels. A recovery or a reminder waits until the channel's down message
 * (or escalation) for the same incident is settled, so no receiver hears "resolved" (or
 * "still down") before "triggered".
 */
export async function claimDue(
  sql: postgres.Sql,
  limit: number,
  busy: string[],
  leaseMs: number,
): Promise<ClaimedDelivery[]> {
  const rows = await sql`
    with ranked as (
      select d.id, row_number() over (partition by d.channel_id order by d.next_attempt_at) as n
      from notification_deliveries d
      where d.status = 'pending' and d.next_attempt_at <= now()
        and not (d.channel_id = any(${busy}::uuid[]))
        and not (d.event_type in ('resolved', 'reminder') and exists (
          select 1 from notification_deliveries o
          where o.channel_id = d.channel_id and o.incident_id = d.incident_id
            and o.event_type in ('opened', 'escalated') and o.status = 'pending'))
    ), picked as (
      select d.id from notification_deliveries d join ranked r on r.id = d.id
      where r.n <= ${PER_CHANNEL} and d.status = 'pending' and d.next_attempt_at <= now()
      order by d.next_attempt_at
      limit ${limit}
      for update of d skip locked
    )
    update notification_deliveries d
    set attempts = d.attempts + 1,
        next_attempt_at = now() + ${leaseMs} * interval '1 millisecond',
        updated_at = now()
    from picked, notification_channels c
    where d.id = picked.id and c.id = d.channel_id
    returning d.id, d.channel_id, d.event_id, d.event_type, d.event, d.attempts, d.created_at,
              c.kind, c.config,
              case when d.event_type in ('reminder', 'escalated') then (${mootReminder(sql)})
                   when d.event_type = 'opened' and c.kind = any(${UNRECALLED}::text[])
                     then (${mootDownCall(sql)}) end as moot`;
  return rows.map((row) => ({
    id: row.id,
    channelId: row.channel_id,
    eventId: row.event_id,
    eventType: row.event_type,
    event: row.event,
    attempts: row.attempts,
    // drizzle has postgres.js return timestamps as text.
    createdAt: new Date(row.created_at),
    kind: row.kind,
    config: row.config,
    moot: row.moot,
  }));
}

/**
 * Why the reminder or escalation `d` is no longer worth sending, or null: what made it
 * moot since it was queued (services/incidents/reminders.ts and escalations.ts decide when
 * one is due).
 */
function mootReminder(sql: postgres.Sql) {
  return sql`
    select case
      when i.id is null then 'the incident was deleted'
      when i.resolved_at is not null then 'the incident had ended'
      when i.acknowledged_at is not null then 'the incident was acknowledged'
      when not w.active then 'the monitor was paused'
      when d.event_type = 'reminder' and w.remind_every_minutes is null
        then 'its reminders were turned off'
      when d.event_type = 'escalated' and w.escalate_after_minutes is null
        then 'its escalation was turned off'
      when exists (
        select 1 from maintenance_websites mw join maintenances m on m.id = mw.maintenance_id
        where mw.website_id = w.id and m.starts_at <= now() and m.ends_at > now())
        then 'the monitor was in maintenance'
      when d.event_type = 'reminder' and exists (
        select 1 from notification_deliveries n
        where n.channel_id = d.channel_id and n.incident_id = d.incident_id
          and n.event_type = 'reminder' and n.created_at > d.created_at)
        then 'a newer reminder replaced it'
    end
    from (select 1) one
    left join incidents i on i.id = d.incident_id
    left join websites w on w.id = i.website_id`;
}

/** Why the down message `d` to a channel no recovery reaches is no longer worth sending. */
function mootDownCall(sql: postgres.Sql) {
  return sql`
    select case
      when i.resolved_at is not null then 'the incident had ended'
      when i.acknowledged_at is not null then 'the incident was acknowledged'
    end
    from (select 1) one
    left join incidents i on i.id = d.incident_id`;
}

/**
 * Milliseconds until the earliest pending delivery is due (an attempt's lease ending
 * counts too: it is due again then); null when nothing is pending; never below 0.
 */
export async function nextDueInMs(sql: postgres.Sql): Promise<number | null> {
  const [row] = await sql`
    select extract(epoch from min(next_attempt_at) - now()) * 1000 as ms
    from notification_deliveries where status = 'pending'`;
  return row.ms === null ? null : Math.max(0, Math.ceil(Number(row.ms)));
}

export async function markDelivered(sql: postgres.Sql, claimed: ClaimedDelivery): Promise<void> {
  await sql`
    update notification_deliveries
    set status = 'delivered', delivered_at = now(), last_error = null, updated_at = now()
    where id = ${claimed.id} and attempts = ${claimed.attempts}`;
}

/** Records a failed attempt: tried again after `delayMs`, or given up when that is past `giveUpAt`. */
export async function markFailed(
  sql: postgres.Sql,
  claimed: ClaimedDelivery,
  error: string,
  retry: { delayMs: number; giveUpAt: Date } | null,
): Promise<"retrying" | "failed"> {
  const givingUp = retry === null || Date.now() + retry.delayMs > retry.giveUpAt.getTime();
  const text = retry !== null && givingUp
    ? `${error} (gave up after ${claimed.attempts} attempts)`
    : error;
  await sql`
    update notification_deliveries
    set status = ${givingUp ? "failed" : "pending"},
        last_error = ${text.slice(0, 500)},
        next_attempt_at = now() + ${givingUp ? 0 : retry!.delayMs} * interval '1 millisecond',
        updated_at = now()
    where id = ${claimed.id} and attempts = ${claimed.attempts}`;
  return givingUp ? "failed" : "retrying";
}

/** Records why a delivery was not sent, and never will be (`skipped`); the claim was no try. */
export async function markSkipped(
  sql: postgres.Sql,
  claimed: ClaimedDelivery,
  reason: string,
): Promise<void> {
  await sql`
    update notification_deliveries
    set status = 'skipped', last_error = ${reason}, attempts = attempts - 1, updated_at = now()
    where id = ${claimed.id} and attempts = ${claimed.attempts}`;
}

/** Makes an interrupted attempt (shutdown) due again at once. */
export async function release(sql: postgres.Sql, claimed: ClaimedDelivery): Promise<void> {
  await sql`
    update notification_deliveries set next_attempt_at = now(), updated_at = now()
    where id = ${claimed.id} and attempts = ${claimed.attempts} and status = 'pending'`;
}

/**
 * Keeps a channel's newest 50 deliveries, and older incident deliveries for two days:
 * their rows are what makes a repeated incident event a no-op for this channel, and a
 * stream entry is redelivered within minutes, never days. Of an incident's reminders only
 * the newest is kept once they are minutes old, so a long outage's reminders push no other
 * alert out of the 50.
 */
export async function pruneDeliveries(sql: postgres.Sql, channelId: string): Promise<void> {
  await sql`
    delete from notification_deliveries d
    where d.channel_id = ${channelId} and d.event_type = 'reminder' and d.status <> 'pending'
      and d.created_at < now() - interval '10 minutes'
      and exists (
        select 1 from notification_deliveries n
        where n.channel_id = d.channel_id and n.incident_id = d.incident_id
          and n.event_type = 'reminder' and n.created_at > d.created_at)`;
  await sql`
    delete from notification_deliveries
    where channel_id = ${channelId} and status <> 'pending'
      and (event_type = 'test' or created_at < now() - interval '2 days')
      and id not in (
        select id from notification_deliveries where channel_id = ${channelId}
        order by created_at desc, id desc limit 50)`;
}
