import assert from "node:assert/strict";
import { migrateClickHouse } from "../db/clickhouse/migrations.ts";
import { connectClickHouse, serverVersion } from "../db/clickhouse/client.ts";
import { applyRetention, supportsTtl } from "../db/clickhouse/retention.ts";
import { literal, sql } from "../db/clickhouse/sql.ts";
import { rollUpRecentHours } from "../db/clickhouse/rollup.ts";
import { newClickHouseUrl } from "./helpers/databases.ts";

Deno.test("TTL is used from ClickHouse 19.6 on, partition drops before", () => {
  assert.equal(supportsTtl([18, 16]), false);
  assert.equal(supportsTtl([19, 5]), false);
  assert.equal(supportsTtl([19, 6]), true);
  assert.equal(supportsTtl([25, 3]), true);
});

Deno.test("checks older than the retention period are removed, recent ones kept", async () => {
  const url = newClickHouseUrl();
  await migrateClickHouse(url, { retentionDays: 90 });
  const ch = connectClickHouse(url);
  try {
    const now = new Date(Date.UTC(2026, 10, 29, 12));
    const websiteId = crypto.randomUUID();
    const at = (daysAgo: number) => Math.floor(now.getTime() / 1000) - daysAgo * 86_400;
    const values = [200, 130, 10].map((daysAgo) => ({
      website_id: websiteId,
      region_id: "local",
      scheduled_at: at(daysAgo),
      checked_at: at(daysAgo),
      outcome: "up",
      http_status: 200,
      response_ms: 5,
      error_kind: "",
      error_message: "",
    }));
    await ch.insert(sql`checks`, values);
    await rollUpRecentHours(ch, now);
    const version = await serverVersion(ch);
    await applyRetention(ch, 90, version, now);
    if (supportsTtl(version)) {
      await ch.command(sql`OPTIMIZE TABLE checks FINAL`);
      await ch.command(sql`OPTIMIZE TABLE checks_hourly FINAL`);
    }
    const left = await ch.rows<{ days: number }>(
      sql`SELECT intDiv(${literal.int(at(0))} - toUInt32(scheduled_at), 86400) AS days
       FROM checks ORDER BY days`,
    );
    assert.deepEqual(left.map((r) => Number(r.days)), [10]);
    const hours = await ch.rows<{ n: string }>(sql`SELECT count() AS n FROM checks_hourly FINAL`);
    assert.equal(Number(hours[0].n), 1);
  } finally {
    await ch.close();
  }
});
