/**
 * Finds websites whose next check is due and moves them to their next slot. Both use
 * the partial index `websites_due_idx (next_check_at) WHERE active`.
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
  /** The latest slot on this website's schedule at or before now, in epoch seconds. */
  slot: number;
}

export interface Defaults {
  intervalSeconds: number;
  timeoutMs: number;
}

/** The next `limit` due websites, most overdue first. */
export async function findDueWebsites(
  sql: postgres.Sql,
  now: Date,
  limit: number,
  defaults: Defaults,
): Promise<DueWebsite[]> {
  // The slot is computed on the website's own grid (next_check_at + k × interval), so a
  // publisher that crashed after enqueueing and before advancing re-publishes the very
  // same slot, which the results deduplicate, instead of a new one.
  const rows = await sql`
    select id, url, method, headers, body, regions, expected_status, keyword,
           coalesce(interval_seconds, ${defaults.intervalSeconds})::int as interval_seconds,
           coalesce(timeout_ms, ${defaults.timeoutMs})::int as timeout_ms,
           floor(extract(epoch from next_check_at))::bigint as due
    from websites
    where active and next_check_at <= ${now.toISOString()}::timestamptz
    order by next_check_at
    limit ${limit}`;
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
      slot: due + interval * Math.floor(Math.max(0, nowSeconds - due) / interval),
    };
  });
}

/** Moves each website to the first slot on its grid after `now`. */
export async function advanceWebsites(
  sql: postgres.Sql,
  ids: string[],
  now: Date,
  defaultIntervalSeconds: number,
): Promise<void> {
  if (!ids.length) return;
  await sql`
    update websites set next_check_at = next_check_at + make_interval(secs =>
      iv * (floor(extract(epoch from (${now.toISOString()}::timestamptz - next_check_at)) / iv) + 1))
    from (select id as vid, coalesce(interval_seconds, ${defaultIntervalSeconds}) as iv
          from websites where id = any(${ids}::uuid[])) v
    where id = v.vid and next_check_at <= ${now.toISOString()}::timestamptz`;
}
