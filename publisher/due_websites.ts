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
 * Where a website's slots fall within its interval, in whole seconds: taken from the
 * first 32 bits of its (random) id, so it is stable across restarts and publishers, and
 * many websites at one interval spread evenly over it instead of coming due together.
 * Mirrors the SQL in {@link claimDueWebsites}.
 */
export function slotOffset(websiteId: string, intervalSeconds: number): number {
  return parseInt(websiteId.replaceAll("-", "").slice(0, 8), 16) % intervalSeconds;
}

/**
 * Claims the next `limit` due websites, most overdue first, and moves each to the first
 * slot on its grid after `now`: one statement on the due index. Run it inside the
 * transaction that also enqueues their tasks: rows stay locked (a standby skips them)
 * until the tasks are on the streams, and roll back to due if enqueueing fails.
 *
 * A website's grid is offset + k × interval epoch seconds (see {@link slotOffset}). A
 * new, resumed or rescheduled website is due at once, off its grid: that first slot is
 * the second it became due, and the next one is back on the grid.
 */
export async function claimDueWebsites(
  sql: postgres.TransactionSql,
  now: Date,
  limit: number,
  defaults: Defaults,
): Promise<DueWebsite[]> {
  const at = now.toISOString();
  // The slot is the latest grid point at or before now (never before the second the
  // website became due), so a publisher that crashed after enqueueing and before
  // committing re-publishes the very same slot, which the results deduplicate, and a
  // publisher that was away publishes only the latest slot, not every missed one.
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
    ), grid as (
      select id, due_at, iv, off + iv * ((now_s - off) / iv) as latest
      from (
        select id, due_at, iv::bigint as iv,
               floor(extract(epoch from ${at}::timestamptz))::bigint as now_s,
               ('x' || substr(replace(id::text, '-', ''), 1, 8))::bit(32)::bigint % iv as off
        from due
      ) d
    )
    update websites w
    set next_check_at = to_timestamp(grid.latest + grid.iv)
    from grid
    where w.id = grid.id
    returning w.id, w.url, w.method, w.headers, w.body, w.regions, w.expected_status, w.keyword,
              w.type, w.forbidden_keyword, w.degraded_ms,
              grid.iv::int as interval_seconds,
              coalesce(w.timeout_ms, ${defaults.timeoutMs})::int as timeout_ms,
              greatest(grid.latest, floor(extract(epoch from grid.due_at))::bigint) as slot`;
  return rows.map((row) => ({
    id: row.id,
    url: row.url,
    method: row.method,
    headers: row.headers ?? {},
    body: row.body,
    intervalSeconds: row.interval_seconds,
    timeoutMs: row.timeout_ms,
    regions: row.regions,
    expectedStatus: row.expected_status,
    keyword: row.keyword,
    type: row.type,
    forbiddenKeyword: row.forbidden_keyword,
    degradedMs: row.degraded_ms,
    slot: Number(row.slot),
  }));
}
