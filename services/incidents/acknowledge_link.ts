/**
 * Acknowledge links: an incident's down alert and its reminders carry a link that
 * acknowledges it without signing in (`/acknowledge?token=…`), so whoever is on call can stop
 * the reminders from the alert itself, as PagerDuty's and Better Stack's alerts allow. Each
 * delivery attempt gets a link of its own (256 random bits; only the SHA-256 is kept; an
 * incident keeps its newest {@link LINKS_KEPT}); any of them acknowledges that incident
 * alone, while nobody has and it lasts. Opening one changes nothing (mail scanners follow
 * links); its page's button does. The leading publisher deletes the links of incidents
 * acknowledged or ended ({@link pruneAckLinks}, with the reminders). A phone call carries
 * its link to Twilio instead, as the address its keypad answer goes to
 * (routes/api/twilio/acknowledge.ts): pressing 1 acknowledges.
 */
import type postgres from "postgres";
import { randomToken, sha256 } from "../users/sessions.ts";
import { hostnameOf } from "./store.ts";

/** An incident's newest links kept: a channel that keeps failing gets one per retry. */
const LINKS_KEPT = 50;

/** What the link's page shows of its incident. */
export interface AckTarget {
  incidentId: string;
  websiteName: string;
  /** Epoch ms. */
  startedAt: number;
  resolvedAt: number | null;
  acknowledgedAt: number | null;
}

/** A new link to acknowledge the incident; null once it has ended or been acknowledged. */
export async function newAcknowledgeLink(
  sql: postgres.Sql,
  appUrl: string,
  incidentId: string,
): Promise<string | null> {
  const token = randomToken();
  const [row] = await sql`
    insert into incident_ack_links (token_hash, incident_id)
    select ${await sha256(token)}, i.id from incidents i
    where i.id = ${incidentId} and i.resolved_at is null and i.acknowledged_at is null
    returning incident_id`;
  if (!row) return null;
  await sql`delete from incident_ack_links where incident_id = ${incidentId}
    and token_hash not in (select token_hash from incident_ack_links
      where incident_id = ${incidentId} order by created_at desc limit ${LINKS_KEPT})`;
  return new URL(`/acknowledge?token=${token}`, appUrl).href;
}

/** The incident a link is for; null for no such link. */
export async function ackTarget(
  sql: postgres.Sql,
  token: string | null | undefined,
): Promise<AckTarget | null> {
  if (!token || token.length > 100) return null;
  const [row] = await sql`
    select i.id, w.name, w.url,
      round(extract(epoch from i.started_at) * 1000)::float8 as started_at,
      round(extract(epoch from i.resolved_at) * 1000)::float8 as resolved_at,
      round(extract(epoch from i.acknowledged_at) * 1000)::float8 as acknowledged_at
    from incident_ack_links l
    join incidents i on i.id = l.incident_id
    join websites w on w.id = i.website_id
    where l.token_hash = ${await sha256(token)}`;
  return row
    ? {
      incidentId: row.id,
      websiteName: row.name ?? hostnameOf(row.url),
      startedAt: row.started_at,
      resolvedAt: row.resolved_at,
      acknowledgedAt: row.acknowledged_at,
    }
    : null;
}

/**
 * Acknowledges the link's incident, as `userId` when a member of its team is signed in,
 * else as "from an alert's link" (`via` "link") or "on an alert's phone call" ("call"). The
 * first acknowledgement stands; an ended incident is left as it is. Returns the incident
 * as it is now and whether this acknowledged it; null for no such link.
 */
export async function acknowledgeByLink(
  sql: postgres.Sql,
  token: string,
  userId: string | null,
  via: "link" | "call" = "link",
): Promise<{ incident: AckTarget; acknowledged: boolean } | null> {
  const target = await ackTarget(sql, token);
  if (!target) return null;
  const [done] = await sql`
    update incidents i
    set acknowledged_at = now(), acknowledged_via = ${via},
      acknowledged_by = (select u.id from users u join websites w on w.id = i.website_id
        where u.id = ${userId}::uuid and (u.id = w.owner_id or exists (
          select 1 from account_members m
          where m.account_id = w.owner_id and m.user_id = u.id)))
    where i.id = ${target.incidentId} and i.acknowledged_at is null and i.resolved_at is null
    returning round(extract(epoch from i.acknowledged_at) * 1000)::float8 as at`;
  if (!done) return { incident: (await ackTarget(sql, token)) ?? target, acknowledged: false };
  await sql`delete from incident_ack_links where incident_id = ${target.incidentId}`;
  return { incident: { ...target, acknowledgedAt: done.at }, acknowledged: true };
}

/** Deletes the links of incidents acknowledged or ended: their work is done. */
export async function pruneAckLinks(sql: postgres.Sql): Promise<void> {
  await sql`delete from incident_ack_links l using incidents i
    where i.id = l.incident_id and (i.acknowledged_at is not null or i.resolved_at is not null)`;
}
