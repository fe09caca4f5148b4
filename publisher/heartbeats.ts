/**
 * Missed heartbeats: a heartbeat monitor whose deadline (last beat + period + grace,
 * kept in `next_check_at`) has passed gets a "down" result, and its next deadline one
 * period later, so a job that stays silent stays down, one result per period. The row is
 * stored before the claim commits: if ClickHouse is away, the miss is recorded next time.
 */
import {
  evaluateHeartbeatResults,
  heartbeatRow,
  type ResultSinks,
  storeHeartbeatResults,
} from "../services/heartbeats/store_results.ts";
import { formatInterval, formatLongDuration } from "../lib/time_format.ts";

export interface HeartbeatSweep extends ResultSinks {
  /** Period of a monitor without its own interval, in seconds. */
  defaultIntervalSeconds: number;
}

/** Records a down result for every heartbeat overdue at `now`; returns how many. */
export async function sweepMissedHeartbeats(sweep: HeartbeatSweep, now = new Date()) {
  const at = now.toISOString();
  const stored = await sweep.sql.begin(async (tx) => {
    const rows = await tx`
      with due as (
        select id, next_check_at as deadline,
               coalesce(interval_seconds, ${sweep.defaultIntervalSeconds}) as period
        from websites
        where active and type = 'heartbeat' and next_check_at <= ${at}::timestamptz
        order by next_check_at
        limit 1000
        for update skip locked
      )
      update websites w
      set next_check_at = greatest(due.deadline + make_interval(secs => due.period),
                                   ${at}::timestamptz + interval '1 second')
      from due
      where w.id = due.id
      returning w.id, w.regions, w.last_heartbeat_at, w.heartbeat_grace_seconds,
                due.period::int as period, floor(extract(epoch from due.deadline))::bigint as due`;
    const results = rows.map((row) => {
      const last = row.last_heartbeat_at ? new Date(row.last_heartbeat_at) : null;
      // Words without a clock time: the message is read in every viewer's time zone.
      const since = last ? `for ${formatLongDuration(now.getTime() - last.getTime())}` : "yet";
      const grace = row.heartbeat_grace_seconds
        ? ` + ${formatInterval(row.heartbeat_grace_seconds)} grace`
        : "";
      return heartbeatRow(row.id, row.regions[0], Number(row.due), {
        kind: "heartbeat",
        message: `no heartbeat ${since} (expected every ${formatInterval(row.period)}${grace})`,
      });
    });
    await storeHeartbeatResults(sweep, results);
    return results;
  });
  // After the commit: the evaluation locks monitors on connections of its own.
  await evaluateHeartbeatResults(sweep, stored);
  return stored.length;
}
