/**
 * Keeps check data for `RETENTION_DAYS`: by TTL on servers that have it (19.6+), by
 * dropping whole monthly partitions that lie entirely before the cutoff elsewhere
 * (18.16), so old data never costs disk or query time.
 */
import type { ClickHouse } from "./client.ts";
import { identifier, literal, sql } from "./sql.ts";

const TABLES = [
  { table: "checks", column: "scheduled_at" },
  { table: "checks_hourly", column: "hour" },
];

export function supportsTtl([major, minor]: [number, number]): boolean {
  return major > 19 || (major === 19 && minor >= 6);
}

/** Applies the retention period; safe to call on every start and periodically. */
export async function applyRetention(
  ch: ClickHouse,
  days: number,
  version: [number, number],
  now = new Date(),
): Promise<{ droppedPartitions: string[] }> {
  if (supportsTtl(version)) {
    for (const { table, column } of TABLES) {
      await ch.command(
        sql`ALTER TABLE ${identifier(table)} MODIFY TTL ${identifier(column)} + INTERVAL ${
          literal.int(days)
        } DAY`,
      );
    }
    return { droppedPartitions: [] };
  }
  return { droppedPartitions: await dropExpiredPartitions(ch, days, now) };
}

/** Drops monthly partitions whose last day is older than the cutoff; returns "table/YYYYMM". */
export async function dropExpiredPartitions(
  ch: ClickHouse,
  days: number,
  now = new Date(),
): Promise<string[]> {
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  // A month partition may go once the cutoff lies in a later month.
  const cutoffMonth = cutoff.getUTCFullYear() * 100 + cutoff.getUTCMonth() + 1;
  const parts = await ch.rows<{ table: string; partition: string }>(
    sql`SELECT DISTINCT table, partition FROM system.parts
     WHERE database = ${literal.string(ch.database)} AND active
       AND table IN ${literal.list(TABLES.map((t) => t.table), literal.string)}`,
  );
  const dropped: string[] = [];
  for (const { table, partition } of parts) {
    const month = Number(partition);
    if (!Number.isInteger(month) || month >= cutoffMonth) continue;
    await ch.command(sql`ALTER TABLE ${identifier(table)} DROP PARTITION ${literal.int(month)}`);
    dropped.push(`${table}/${month}`);
  }
  return dropped;
}
