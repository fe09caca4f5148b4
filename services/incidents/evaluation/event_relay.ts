/**
 * The outbox of events for the notification dispatcher: written in the transaction that
 * decided the event ({@link insertIntoOutbox}), then moved to the Redis stream the
 * dispatcher reads. A row leaves the outbox only after its entry is on the stream, so a
 * crash anywhere in between sends it on the next run (at least once); a Redis marker per
 * event id, set atomically with the XADD, keeps that retry from adding it a second time.
 * Rows are taken with SKIP LOCKED: workers relaying at once never send the same row.
 */
import type postgres from "postgres";
import type { Redis } from "../../../lib/redis.ts";
import type { RedisKeys } from "../../../lib/redis_keys.ts";
import { metrics } from "../../../lib/metrics.ts";
import { type AlertEvent, alertEventSchema } from "../../../lib/incident_event.ts";

// KEYS: sent marker, stream. ARGV: event JSON, marker lifetime in seconds.
const SEND_ONCE = `
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[2]) then
  redis.call('XADD', KEYS[2], '*', 'event', ARGV[1])
  return 1
end
return 0`;

/** Far longer than a row can wait in the outbox. */
const MARKER_SECONDS = 30 * 86_400;
const BATCH = 200;

/**
 * The statement that adds `events` to the outbox (sent when awaited or executed, so a
 * caller may pipeline it); null for none. An event already there is not added again.
 */
export function insertIntoOutbox(
  tx: postgres.TransactionSql,
  events: AlertEvent[],
): postgres.PendingQuery<postgres.Row[]> | null {
  if (!events.length) return null;
  const values = events.map((event) => ({ id: event.id, event: alertEventSchema.parse(event) }));
  return tx`insert into incident_outbox (id, event)
    select id, event from jsonb_to_recordset(${JSON.stringify(values)}::jsonb)
      as r(id text, event jsonb)
    on conflict (id) do nothing`;
}

export async function relayIncidentEvents(
  sql: postgres.Sql,
  redis: Redis,
  keys: RedisKeys,
): Promise<number> {
  let sent = 0;
  while (true) {
    const moved = await sql.begin(async (tx) => {
      const rows = await tx`
        select id, event::text as event from incident_outbox order by created_at, id
        limit ${BATCH} for update skip locked`;
      if (!rows.length) return 0;
      const pipeline = redis.pipeline();
      for (const row of rows) {
        pipeline.eval(
          SEND_ONCE,
          2,
          keys.incidentEventSent(row.id),
          keys.incidentEvents,
          row.event,
          MARKER_SECONDS,
        );
      }
      for (const [i, [error, added]] of ((await pipeline.exec()) ?? []).entries()) {
        if (error) throw error;
        // Counted when first put on the stream: a retried relay adds (and counts) nothing.
        if (added === 1) metrics.incidentEvents.inc({ type: JSON.parse(rows[i].event).type });
      }
      await tx`delete from incident_outbox
        where id in (select jsonb_array_elements_text(${
        JSON.stringify(rows.map((r) => r.id))
      }::jsonb))`;
      return rows.length;
    });
    sent += moved;
    if (moved < BATCH) return sent;
  }
}
