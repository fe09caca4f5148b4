/**
 * Alerts about TLS certificates nearing their end. Every {@link SWEEP_EVERY_MS} the
 * leading publisher reads the days left that the checks stored since its last look saw
 * (the newest per monitor), and for each active monitor with no more days left than its
 * warning (`cert_expiry_warn_days`) writes a `certificate` event to the outbox the
 * incident events go through: the relay puts it on the stream, the dispatcher tells the
 * monitor's channels. `certificate_alerts` keeps the day the certificate last alerted
 * about expires, so each certificate is alerted about once, and a renewed one (or another
 * host's) again when it nears its own end.
 *
 * ```ts
 * await alertExpiringCertificates({ sql, ch, redis, keys }); // events written
 * ```
 */
import type postgres from "postgres";
import type { ClickHouse } from "../../db/clickhouse/client.ts";
import { literal, sql as chSql } from "../../db/clickhouse/sql.ts";
import type { CertificateEvent } from "../../lib/incident_event.ts";
import type { Redis } from "../../lib/redis.ts";
import type { RedisKeys } from "../../lib/redis_keys.ts";
import { insertIntoOutbox, relayIncidentEvents } from "../incidents/evaluation/event_relay.ts";
import { hostnameOf } from "../incidents/store.ts";
import { DEFAULT_CERT_EXPIRY_WARN_DAYS, MAX_CERT_EXPIRY_WARN_DAYS } from "../websites/schemas.ts";
import { DAY_MS } from "../../lib/uptime.ts";

export const SWEEP_EVERY_MS = 10 * 60_000;
/** The checks since the previous sweep, and late results: a monitor is seen once a check. */
const LOOK_BACK_MS = SWEEP_EVERY_MS + 5 * 60_000;
/** Expiry days this close are one certificate (days left are whole, counted per check). */
const SAME_CERTIFICATE_DAYS = 2;

export interface CertificateSweep {
  sql: postgres.Sql;
  ch: ClickHouse;
  redis: Redis;
  keys: RedisKeys;
}

/** Writes (and relays) an event per certificate newly in its warning window; returns how many. */
export async function alertExpiringCertificates(
  sweep: CertificateSweep,
  now = Date.now(),
): Promise<number> {
  const rows = await sweep.ch.rows<{ website_id: string; days: number; at: number | string }>(
    chSql`SELECT website_id, argMax(cert_days_left, checked_at) AS days,
        toUInt32(max(checked_at)) AS at
      FROM checks
      WHERE checked_at >= ${literal.dateTime(new Date(now - LOOK_BACK_MS))}
        AND isNotNull(cert_days_left)
      GROUP BY website_id
      HAVING days <= ${literal.int(MAX_CERT_EXPIRY_WARN_DAYS)}`,
  );
  if (!rows.length) return 0;
  const seen = rows.map((row) => {
    const days = Number(row.days);
    const expiresOn = new Date(Number(row.at) * 1000 + days * DAY_MS).toISOString().slice(0, 10);
    return { website_id: row.website_id, days, expires_on: expiresOn };
  });
  const events = await sweep.sql.begin(async (tx) => {
    const due = await tx`
      with seen as (
        select * from jsonb_to_recordset(${JSON.stringify(seen)}::jsonb)
          as s(website_id uuid, days int, expires_on date)
      ), due as (
        select w.id, w.owner_id, w.name, w.url, s.days, s.expires_on
        from seen s
        join websites w on w.id = s.website_id
        left join certificate_alerts a on a.website_id = w.id
        where w.active
          and s.days <= coalesce(w.cert_expiry_warn_days, ${DEFAULT_CERT_EXPIRY_WARN_DAYS})
          and (a.website_id is null
            or abs(a.expires_on - s.expires_on) > ${SAME_CERTIFICATE_DAYS})
      ), saved as (
        insert into certificate_alerts (website_id, expires_on, alerted_at)
        select id, expires_on, now() from due
        on conflict (website_id) do update
          set expires_on = excluded.expires_on, alerted_at = excluded.alerted_at
      )
      select id, owner_id, name, url, days, expires_on::text as expires_on from due`;
    const events = due.map((row): CertificateEvent => ({
      id: `cert:${row.id}:${row.expires_on}`,
      type: "certificate",
      websiteId: row.id,
      ownerId: row.owner_id,
      websiteName: (row.name ?? hostnameOf(row.url)).slice(0, 200),
      url: row.url,
      daysLeft: row.days,
      expiresAt: Date.parse(`${row.expires_on}T00:00:00Z`),
      at: now,
    }));
    await insertIntoOutbox(tx, events);
    return events;
  });
  if (events.length) await relayIncidentEvents(sweep.sql, sweep.redis, sweep.keys);
  return events.length;
}
