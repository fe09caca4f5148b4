/**
 * ClickHouse schema, applied in order and recorded in `schema_migrations` so each
 * applies once. Every statement is idempotent (`IF NOT EXISTS`) because ClickHouse has
 * no transactions: two processes migrating at once, or a crash between a statement and
 * its ledger row, must leave the same schema.
 */
import { type ClickHouse, connectClickHouse, serverVersion } from "./client.ts";
import { identifier, literal, type Sql, sql } from "./sql.ts";
import { applyRetention } from "./retention.ts";
import { rollUpAllHours } from "./rollup.ts";

interface Migration {
  version: number;
  name: string;
  statements: Sql[];
  /**
   * Columns to add where missing. ClickHouse 18.16 has no `ADD COLUMN IF NOT EXISTS`, so
   * the runner looks each one up in system.columns first, which keeps the step idempotent.
   */
  addColumns?: { table: string; name: string; type: Sql }[];
  /** Runs after the statements and columns; idempotent as they are. */
  backfill?: (ch: ClickHouse) => Promise<void>;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: "checks and hourly rollup",
    statements: [
      // One row per check. The sort key is the check's identity (website, region and the
      // time it was scheduled for): a task delivered twice writes the same key twice and
      // ReplacingMergeTree keeps one; reads that must be exact use FINAL or count distinct
      // scheduled_at.
      sql`CREATE TABLE IF NOT EXISTS checks (
        website_id UUID,
        region_id String,
        scheduled_at DateTime,
        checked_at DateTime,
        outcome Enum8('down' = 0, 'up' = 1),
        http_status UInt16,
        response_ms UInt32,
        error_kind String,
        error_message String
      ) ENGINE = ReplacingMergeTree(checked_at)
      PARTITION BY toYYYYMM(scheduled_at)
      ORDER BY (website_id, region_id, scheduled_at)`,
      // Long-range charts and the 90-day bars read one row per website, region and hour
      // instead of raw rows. It is written by rollUpRecentHours (rollup.ts) from
      // `checks FINAL`, not by a materialized view: a view sees every insert, so a
      // check delivered twice would weigh twice in the percentiles; re-rolling an hour
      // replaces its row (ReplacingMergeTree, read with FINAL). quantilesTiming is
      // deterministic: exact below 1024 ms, 16 ms steps up to 30 s.
      sql`CREATE TABLE IF NOT EXISTS checks_hourly (
        website_id UUID,
        region_id String,
        hour DateTime,
        checks UInt32,
        up_checks UInt32,
        response_quantiles AggregateFunction(quantilesTiming(0.5, 0.95, 0.99), UInt32),
        rolled_up_at DateTime
      ) ENGINE = ReplacingMergeTree(rolled_up_at)
      PARTITION BY toYYYYMM(hour)
      ORDER BY (website_id, region_id, hour)`,
    ],
  },
  {
    version: 2,
    name: "check timings, certificate days left, degraded",
    statements: [],
    // Where a check's time went (summed over redirects; response_ms is the total), the days
    // left on the TLS certificate (NULL without TLS), and a slow-but-up flag.
    addColumns: [
      { table: "checks", name: "dns_ms", type: sql`UInt32 DEFAULT 0` },
      { table: "checks", name: "connect_ms", type: sql`UInt32 DEFAULT 0` },
      { table: "checks", name: "tls_ms", type: sql`UInt32 DEFAULT 0` },
      { table: "checks", name: "ttfb_ms", type: sql`UInt32 DEFAULT 0` },
      { table: "checks", name: "cert_days_left", type: sql`Nullable(Int32)` },
      { table: "checks", name: "degraded", type: sql`UInt8 DEFAULT 0` },
    ],
  },
  {
    version: 3,
    name: "checks during maintenance",
    statements: [],
    // A check whose monitor was under maintenance when it ran: stored and shown, but not
    // counted in uptime either way. The rollup's checks and up_checks count the others;
    // maintenance_checks says how many it left out (response times include them all).
    addColumns: [
      { table: "checks", name: "maintenance", type: sql`UInt8 DEFAULT 0` },
      { table: "checks_hourly", name: "maintenance_checks", type: sql`UInt32 DEFAULT 0` },
    ],
  },
  {
    version: 4,
    name: "the answer that failed a check",
    statements: [],
    // Status, headers and the first 1 KiB of the body of an answer that failed its check
    // (worker/check/response_excerpt.ts); empty for every other check.
    addColumns: [{ table: "checks", name: "response", type: sql`String DEFAULT ''` }],
  },
  {
    version: 5,
    name: "response times of checks that were up",
    statements: [],
    // The rollup's percentiles leave failed checks out now (rollup.ts, ANSWERED); every
    // hour rolled up before is rolled up again, replacing its row.
    backfill: rollUpAllHours,
  },
];

const LEDGER = sql`CREATE TABLE IF NOT EXISTS schema_migrations (
  version UInt32,
  name String,
  applied_at DateTime
) ENGINE = TinyLog`;

/**
 * Creates the database named by the URL, applies pending migrations and sets retention.
 * Returns the versions it applied.
 */
export async function migrateClickHouse(
  url: string,
  options: { retentionDays: number },
): Promise<number[]> {
  const admin = connectClickHouse(url, { database: "default" });
  const ch = connectClickHouse(url);
  try {
    await admin.command(sql`CREATE DATABASE IF NOT EXISTS ${identifier(ch.database)}`);
    await ch.command(LEDGER);
    const done = new Set(
      (await ch.rows<{ version: number }>(sql`SELECT DISTINCT version FROM schema_migrations`))
        .map((row) => Number(row.version)),
    );
    const applied: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      for (const statement of migration.statements) await ch.command(statement);
      for (const column of migration.addColumns ?? []) await addColumn(ch, column);
      await migration.backfill?.(ch);
      await recordApplied(ch, migration);
      applied.push(migration.version);
    }
    await applyRetention(ch, options.retentionDays, await serverVersion(ch));
    return applied;
  } finally {
    await Promise.all([admin.close(), ch.close()]);
  }
}

async function addColumn(
  ch: ClickHouse,
  column: { table: string; name: string; type: Sql },
): Promise<void> {
  const existing = await ch.rows<{ name: string }>(
    sql`SELECT name FROM system.columns WHERE database = currentDatabase()
       AND table = ${literal.string(column.table)} AND name = ${literal.string(column.name)}`,
  );
  if (existing.length) return;
  await ch.command(
    sql`ALTER TABLE ${identifier(column.table)} ADD COLUMN ${
      identifier(column.name)
    } ${column.type}`,
  );
}

async function recordApplied(ch: ClickHouse, migration: Migration): Promise<void> {
  await ch.command(
    sql`INSERT INTO schema_migrations (version, name, applied_at) VALUES (${
      literal.int(migration.version)
    }, ${literal.string(migration.name)}, now())`,
  );
}
