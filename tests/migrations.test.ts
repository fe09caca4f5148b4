import assert from "node:assert/strict";
import postgres from "postgres";
import { migratePostgres } from "../db/postgres/migrate.ts";
import { migrateClickHouse } from "../db/clickhouse/migrations.ts";
import { connectClickHouse } from "../db/clickhouse/client.ts";
import { literal, sql } from "../db/clickhouse/sql.ts";
import { rollUpRecentHours } from "../db/clickhouse/rollup.ts";
import { newClickHouseUrl, newPostgresUrl } from "./helpers/databases.ts";

Deno.test("Postgres migrations create a missing database and apply once", async () => {
  const url = newPostgresUrl();
  await migratePostgres(url);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const tables = await sql`select tablename from pg_tables where schemaname = 'public'`;
    assert.deepEqual(tables.map((t) => t.tablename).sort(), [
      "account_invitations",
      "account_mails",
      "account_members",
      "api_tokens",
      "certificate_alerts",
      "incident_ack_links",
      "incident_outbox",
      "incident_updates",
      "incidents",
      "login_challenges",
      "maintenance_websites",
      "maintenances",
      "notification_channels",
      "notification_deliveries",
      "password_resets",
      "recovery_codes",
      "region_states",
      "sessions",
      "status_domains",
      "status_page_logos",
      "status_page_subscribers",
      "status_page_websites",
      "status_pages",
      "subscriber_mails",
      "two_factor",
      "users",
      "website_changes",
      "websites",
    ]);
    const before = await sql`select id, hash from drizzle.__drizzle_migrations order by id`;
    await migratePostgres(url);
    const after = await sql`select id, hash from drizzle.__drizzle_migrations order by id`;
    assert.deepEqual(after, before);
    assert.ok(before.length >= 1);
  } finally {
    await sql.end();
  }
});

Deno.test("concurrent Postgres migrations of one database both succeed", async () => {
  const url = newPostgresUrl();
  await Promise.all([migratePostgres(url), migratePostgres(url), migratePostgres(url)]);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [{ count }] = await sql`select count(*)::int as count from drizzle.__drizzle_migrations`;
    const journal = JSON.parse(
      await Deno.readTextFile(
        new URL("../db/postgres/migrations/meta/_journal.json", import.meta.url),
      ),
    );
    assert.equal(count, journal.entries.length);
  } finally {
    await sql.end();
  }
});

Deno.test("the heartbeat sweep and the publisher's read of changes use indexes", async () => {
  const url = newPostgresUrl();
  await migratePostgres(url);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`set enable_seqscan = off`;
    const plan = await sql.unsafe(
      "explain select id from websites where active and type = 'heartbeat' and next_check_at <= now() order by next_check_at",
    );
    assert.match(plan.map((row) => row["QUERY PLAN"]).join("\n"), /websites_due_idx/);
    const changes = await sql.unsafe(
      "explain select website_id from website_changes where xid >= pg_current_xact_id()",
    );
    assert.match(changes.map((row) => row["QUERY PLAN"]).join("\n"), /website_changes_xid_idx/);
  } finally {
    await sql.end();
  }
});

Deno.test("ClickHouse migrations create the database and apply once", async () => {
  const url = newClickHouseUrl();
  assert.deepEqual(await migrateClickHouse(url, { retentionDays: 90 }), [1, 2, 3, 4, 5]);
  assert.deepEqual(await migrateClickHouse(url, { retentionDays: 90 }), []);
  const ch = connectClickHouse(url);
  try {
    // Added columns are looked up first (18.16 has no ADD COLUMN IF NOT EXISTS): migrations
    // interrupted before their ledger rows apply again without an error.
    await ch.command(sql`DROP TABLE schema_migrations`);
    assert.deepEqual(await migrateClickHouse(url, { retentionDays: 90 }), [1, 2, 3, 4, 5]);
    const columns = await ch.rows<{ table: string; name: string; type: string }>(
      sql`SELECT table, name, type FROM system.columns
         WHERE database = ${literal.string(ch.database)} AND name IN
           ('dns_ms', 'cert_days_left', 'degraded', 'maintenance', 'maintenance_checks', 'response')
         ORDER BY table, name`,
    );
    assert.deepEqual(columns.map((c) => `${c.table}.${c.name} ${c.type}`), [
      "checks.cert_days_left Nullable(Int32)",
      "checks.degraded UInt8",
      "checks.dns_ms UInt32",
      "checks.maintenance UInt8",
      "checks.response String",
      "checks_hourly.maintenance_checks UInt32",
    ]);
    const tables = await ch.rows<{ name: string }>(
      sql`SELECT name FROM system.tables WHERE database = ${
        literal.string(ch.database)
      } ORDER BY name`,
    );
    assert.deepEqual(tables.map((t) => t.name), [
      "checks",
      "checks_hourly",
      "schema_migrations",
    ]);
  } finally {
    await ch.close();
  }
});

Deno.test("the hourly rollup counts a check delivered twice once, in every figure", async () => {
  const url = newClickHouseUrl();
  await migrateClickHouse(url, { retentionDays: 90 });
  const ch = connectClickHouse(url);
  try {
    const websiteId = crypto.randomUUID();
    const hour = Math.floor(Date.UTC(2026, 10, 29, 10) / 1000);
    const row = checkIn(websiteId, hour);
    const first = [
      row(0, "up", 100),
      row(60, "down", 300),
      row(120, "up", 200),
      row(180, "up", 150),
    ];
    await ch.insert(sql`checks`, first);
    await rollUpRecentHours(ch, new Date((hour + 600) * 1000));
    // The same task again, as after a crash between insert and acknowledgement.
    await ch.insert(sql`checks`, [first[2]]);
    await rollUpRecentHours(ch, new Date((hour + 900) * 1000));
    const [rollup] = await ch.rows<{ checks: string; up: string; q: number[] }>(
      sql`SELECT sum(checks) AS checks, sum(up_checks) AS up,
              quantilesTimingMerge(0.5, 0.95, 0.99)(response_quantiles) AS q
       FROM checks_hourly FINAL WHERE website_id = ${literal.uuid(websiteId)}`,
    );
    assert.equal(Number(rollup.checks), 4);
    assert.equal(Number(rollup.up), 3);
    // The up checks' 100, 150 and 200 once each: the duplicate 200 does not pull the
    // median, and the failed check's 300 is no response time.
    assert.deepEqual(rollup.q, [150, 200, 200]);
  } finally {
    await ch.close();
  }
});

Deno.test("hours rolled up before response times left out failed checks are rolled up again", async () => {
  const url = newClickHouseUrl();
  await migrateClickHouse(url, { retentionDays: 90 });
  const ch = connectClickHouse(url);
  try {
    const websiteId = crypto.randomUUID();
    const hour = Math.floor(Date.now() / 1000 / 3_600) * 3_600 - 5 * 86_400;
    const row = checkIn(websiteId, hour);
    await ch.insert(sql`checks`, [row(0, "up", 100), row(60, "down", 5_000)]);
    // The hour as the rollup wrote it until version 5: every check's time counted.
    await ch.command(sql`INSERT INTO checks_hourly (website_id, region_id, hour, checks,
        up_checks, response_quantiles, rolled_up_at, maintenance_checks)
      SELECT website_id, region_id, toStartOfHour(scheduled_at), count(), countIf(outcome = 'up'),
        quantilesTimingState(0.5, 0.95, 0.99)(response_ms), now() - 60, 0
      FROM checks GROUP BY website_id, region_id, toStartOfHour(scheduled_at)`);
    const percentiles = async () =>
      (await ch.rows<{ q: number[] }>(
        sql`SELECT quantilesTimingMerge(0.5, 0.95, 0.99)(response_quantiles) AS q
         FROM checks_hourly FINAL WHERE website_id = ${literal.uuid(websiteId)}`,
      ))[0].q;
    assert.deepEqual(await percentiles(), [5_000, 5_000, 5_000]);
    // As on an installation upgraded from version 4 (the ledger read again from scratch).
    await ch.command(sql`DROP TABLE schema_migrations`);
    assert.deepEqual(await migrateClickHouse(url, { retentionDays: 90 }), [1, 2, 3, 4, 5]);
    assert.deepEqual(await percentiles(), [100, 100, 100]);
  } finally {
    await ch.close();
  }
});

/** A check of the website in ams, `offset` seconds into `hour` (epoch seconds). */
function checkIn(websiteId: string, hour: number) {
  return (offset: number, outcome: "up" | "down", ms: number) => ({
    website_id: websiteId,
    region_id: "ams",
    scheduled_at: hour + offset,
    checked_at: hour + offset + 1,
    outcome,
    http_status: outcome === "up" ? 200 : 503,
    response_ms: ms,
    error_kind: outcome === "up" ? "" : "status",
    error_message: "",
  });
}
