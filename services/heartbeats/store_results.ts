/**
 * Heartbeat results go where every check result goes: a row in ClickHouse `checks` and
 * the live status in Redis (with its pub/sub message), so the dashboard, status pages and
 * incidents see a heartbeat monitor like any other.
 */
import type { ClickHouse } from "../../db/clickhouse/client.ts";
import { sql } from "../../db/clickhouse/sql.ts";
import type { Redis } from "../../lib/redis.ts";
import type { RedisKeys } from "../../lib/redis_keys.ts";
import type { CheckRow } from "../../db/clickhouse/check_row.ts";
import { publishLiveResults } from "../live_status/publish.ts";
import { evaluateStoredResults } from "../incidents/evaluation/evaluate.ts";
import { markMaintenanceChecks } from "../maintenance/mark_checks.ts";
import { log } from "../../lib/logger.ts";
import type postgres from "postgres";

export interface ResultSinks {
  sql: postgres.Sql;
  ch: ClickHouse;
  redis: Redis;
  keys: RedisKeys;
}

/**
 * A heartbeat result; `at` in epoch seconds is both its slot and when it was seen. Down
 * when `failed`: a beat that was missed (`heartbeat`), or a job that reported it failed
 * (`job`).
 */
export function heartbeatRow(
  websiteId: string,
  region: string,
  at: number,
  failed: { kind: "heartbeat" | "job"; message: string } | null,
): CheckRow {
  return {
    website_id: websiteId,
    region_id: region,
    scheduled_at: at,
    checked_at: failed?.kind === "heartbeat" ? Math.floor(Date.now() / 1000) : at,
    outcome: failed ? "down" : "up",
    http_status: 0,
    response_ms: 0,
    error_kind: failed?.kind ?? "",
    error_message: failed?.message ?? "",
    dns_ms: 0,
    connect_ms: 0,
    tls_ms: 0,
    ttfb_ms: 0,
    cert_days_left: null,
    degraded: 0,
  };
}

/**
 * Stores the rows, those under maintenance marked so, then publishes them live; throws
 * when ClickHouse refuses them.
 */
export async function storeHeartbeatResults(sinks: ResultSinks, rows: CheckRow[]): Promise<void> {
  if (!rows.length) return;
  const marked = await markMaintenanceChecks(sinks.sql, rows);
  await sinks.ch.insert(sql`checks`, marked);
  await publishLiveResults(sinks.redis, sinks.keys, marked);
}

/**
 * Feeds stored rows to the incident evaluation, as the worker does with its results. Run
 * outside any transaction that holds website rows. A failure is logged, not thrown: the
 * result is stored, and the next beat or miss is evaluated again.
 */
export async function evaluateHeartbeatResults(sinks: ResultSinks, rows: CheckRow[]) {
  if (!rows.length) return;
  try {
    await evaluateStoredResults(sinks.sql, rows);
  } catch (error) {
    log.error("heartbeats.evaluation_failed", { results: rows.length, error });
  }
}
