/** Check results written straight into ClickHouse (and its hourly rollup) for page tests. */
import type { ClickHouse } from "../../db/clickhouse/client.ts";
import { rollUpHours } from "../../db/clickhouse/rollup.ts";
import { sql } from "../../db/clickhouse/sql.ts";
import type { CheckRow } from "../../db/clickhouse/check_row.ts";

/** Seconds between seeded checks. */
export const STEP = 300;

/** Three hours of checks every 5 minutes in ams and iad; ams failing for the last three. */
export function seedRows(websiteId: string, now: number): CheckRow[] {
  const rows: CheckRow[] = [];
  const last = Math.floor(now / STEP) * STEP;
  for (const region of ["ams", "iad"]) {
    for (let k = 35; k >= 0; k--) {
      const scheduled = last - k * STEP;
      const down = region === "ams" && k <= 2;
      rows.push({
        website_id: websiteId,
        region_id: region,
        scheduled_at: scheduled,
        checked_at: scheduled + 1,
        outcome: down ? "down" : "up",
        http_status: down ? 503 : 200,
        response_ms: 100 + k * 3 + (region === "iad" ? 50 : 0),
        error_kind: down ? "status" : "",
        error_message: down ? "expected 2xx or 3xx, got 503" : "",
      });
    }
  }
  return rows;
}

export async function insertRows(server: { bed: { ch: ClickHouse } }, rows: CheckRow[]) {
  await server.bed.ch.insert(sql`checks`, rows);
  await rollUpHours(server.bed.ch, 0, Math.floor(Date.now() / 1000) + 3_600);
}
