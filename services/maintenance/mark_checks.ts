/**
 * Marks results whose monitor was under maintenance when they were checked, by the rule
 * and the time the incident evaluation goes by: such a result opens no incident and
 * counts for no uptime. Heartbeat results go through here; the worker reads the windows
 * with its per-batch lookup of active websites instead. Without Postgres the rows are
 * stored unmarked, as the worker does: a beat already recorded must not be lost for it.
 */
import type postgres from "postgres";
import type { CheckRow } from "../../db/clickhouse/check_row.ts";
import { inWindow, type WindowRow, windowsByWebsite } from "../../lib/maintenance_window.ts";
import { log } from "../../lib/logger.ts";

export async function markMaintenanceChecks(
  sql: postgres.Sql,
  rows: CheckRow[],
): Promise<CheckRow[]> {
  if (!rows.length) return rows;
  const times = rows.map((row) => row.checked_at);
  const found = await sql<WindowRow[]>`
    select mw.website_id, round(extract(epoch from m.starts_at) * 1000)::float8 as starts_at,
           round(extract(epoch from m.ends_at) * 1000)::float8 as ends_at
    from maintenance_websites mw join maintenances m on m.id = mw.maintenance_id
    where mw.website_id = any(${[...new Set(rows.map((row) => row.website_id))]}::uuid[])
      and m.starts_at <= to_timestamp(${Math.max(...times)})
      and m.ends_at > to_timestamp(${Math.min(...times)})`.catch((error) => {
    log.warn("heartbeats.maintenance_lookup_failed", { error });
    return [];
  });
  const windows = windowsByWebsite(found);
  return rows.map((row) => ({
    ...row,
    maintenance: inWindow(windows.get(row.website_id) ?? [], row.checked_at * 1000) ? 1 : 0,
  }));
}
