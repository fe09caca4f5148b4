/**
 * Finds websites whose next check is due and moves them to their next slot, using the
 * partial index `websites_due_idx (next_check_at) WHERE active`.
 */
import type postgres from "postgres";

export interface DueWebsite {
  id: string;
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | null;
  intervalSeconds: number;
  timeoutMs: number;
  regions: string[];
  expectedStatus: number | null;
  keyword: string | null;
  type: "http" | "tcp";
  forbiddenKeyword: string | null;
  degradedMs: number | null;
  /** The latest slot on this website's schedule at or before now, in epoch seconds. */
  slot: number;
}

export interface Defaults {
  intervalSeconds: number;
  timeoutMs: number;
}

/**
 * Claims the next `limit` due websites, most overdue first, and moves each to the first
 * slot on its grid after `now`: one statement on the due index. Run it inside the
 * transaction that also enqueues their tasks: rows stay locked (a standby skips them)
 * until the tasks are on the streams, and roll back to due if enqueueing fails.
 */
export async function claimDueWebsites(
  sql: postgres.TransactionSql,
  now: Date,
  limit: number,
  defaults: Defaults,
): Promise<DueWebsite[]> {
  const at = now.toISOString();
  // The slot is computed on the website's own grid (next_check_at + k × interval), so a
  // publisher that crashed after enqueueing and before committing re-publishes the very
  // same slot, which the results deduplicate, instead of a new one.
  const rows = await sql`
    with due as (
      select id, next_check_at as due_at,
             coalesce(interval_seconds, ${defaults.intervalSeconds}) as iv
      from websites
      -- Heartbeat monitors are not checked by workers: heartbeats.ts sweeps them.
      where active and next_check_at <= ${at}::timestamptz and type <> 'heartbeat'
      order by next_check_at
      limit ${limit}
      for update skip locked
    )
    update websites w
    set next_check_at = due.due_at + make_interval(secs =>
      due.iv * (floor(extract(epoch from (${at}::timestamptz - due.due_at)) / due.iv) + 1))
    from due
    where w.id = due.id
    returning w.id, w.url, w.method, w.headers, w.body, w.regions, w.expected_status, w.keyword,
              w.type, w.forbidden_keyword, w.degraded_ms,
              due.iv::int as interval_seconds,
              coalesce(w.timeout_ms, ${defaults.timeoutMs})::int as timeout_ms,
              floor(extract(epoch from due.due_at))::bigint as due`;
  const nowSeconds = Math.floor(now.getTime() / 1000);
  return rows.map((row) => {
    const due = Number(row.due);
    const interval = row.interval_seconds as number;
    return {
      id: row.id,
      url: row.url,
      method: row.method,
      headers: row.headers ?? {},
      body: row.body,
      intervalSeconds: interval,
      timeoutMs: row.timeout_ms,
      regions: row.regions,
      expectedStatus: row.expected_status,
      keyword: row.keyword,
      type: row.type,
      forbiddenKeyword: row.forbidden_keyword,
      degradedMs: row.degraded_ms,
      slot: due + interval * Math.floor(Math.max(0, nowSeconds - due) / interval),
    };
  });
}
