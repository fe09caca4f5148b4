/**
 * The ClickHouse queries behind `website.metrics`, separate from the service so the
 * benchmark can run exactly the same SQL directly.
 *
 * A check delivered twice counts once: the 24-hour range reads raw rows with FINAL
 * (ReplacingMergeTree keeps one row per website, region and scheduled time), longer
 * ranges read the hourly rollup, built from those same deduplicated rows
 * (db/clickhouse/rollup.ts). Buckets are whole
 * multiples of their size in Unix time (integer division), so they are UTC-aligned
 * whatever the server's time zone, and ClickHouse 18.16 (no toStartOfInterval) runs them.
 */
import type { ClickHouse } from "../../db/clickhouse/client.ts";
import { literal, type Sql, sql } from "../../db/clickhouse/sql.ts";
import { ANSWERED } from "../../db/clickhouse/rollup.ts";
import type { MetricsRange } from "./schemas.ts";
import { type DailyCountRow, dailyCountsQuery } from "../uptime/daily_uptime.ts";

export const QUANTILE_LEVELS = sql`0.5, 0.95, 0.99`;

interface RangeShape {
  bucketSeconds: number;
  buckets: number;
  /** Raw rows are affordable for a day; longer ranges read the hourly rollup. */
  source: "raw" | "rollup";
}

export const RANGE_SHAPES: Record<MetricsRange, RangeShape> = {
  "24h": { bucketSeconds: 300, buckets: 288, source: "raw" },
  "7d": { bucketSeconds: 3_600, buckets: 168, source: "rollup" },
  "30d": { bucketSeconds: 21_600, buckets: 120, source: "rollup" },
  "90d": { bucketSeconds: 86_400, buckets: 90, source: "rollup" },
};

export interface MetricsWindow extends RangeShape {
  range: MetricsRange;
  /** Epoch seconds; the first bucket starts here. */
  fromSeconds: number;
  /** Epoch seconds, exclusive: the end of the bucket holding `now`. */
  toSeconds: number;
}

/** The buckets of a range ending with the one that holds `now`. */
export function metricsWindow(range: MetricsRange, now: Date): MetricsWindow {
  const shape = RANGE_SHAPES[range];
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const current = Math.floor(nowSeconds / shape.bucketSeconds) * shape.bucketSeconds;
  const fromSeconds = current - (shape.buckets - 1) * shape.bucketSeconds;
  return {
    ...shape,
    range,
    fromSeconds,
    toSeconds: fromSeconds + shape.buckets * shape.bucketSeconds,
  };
}

export interface MetricsQueries {
  /** Per region and bucket: n, up, q. */
  series: Sql;
  /**
   * Per region over the whole range: q. Counts are the sums of the series' buckets,
   * exact because buckets partition the range and a check lies in one bucket.
   */
  regions: Sql;
  /** Response time quantiles over every region: q. */
  overall: Sql;
  /** Per UTC day for the status bars, the query the public status page runs too. */
  daily: Sql;
}

export function metricsQueries(
  websiteId: string,
  window: MetricsWindow,
  now: Date,
): MetricsQueries {
  const source = window.source === "raw" ? rawSource : rollupSource;
  const series = source(websiteId, window.fromSeconds, window.toSeconds);
  const bucket = sql`intDiv(toUInt32(${series.time}), ${literal.int(window.bucketSeconds)}) * ${
    literal.int(window.bucketSeconds)
  }`;
  return {
    series: sql`SELECT region_id AS region, ${bucket} AS bucket, ${series.aggregates}
      FROM ${series.from} WHERE ${series.where} GROUP BY region, bucket`,
    regions: sql`SELECT region_id AS region, ${series.quantiles} AS q
      FROM ${series.from} WHERE ${series.where} GROUP BY region`,
    overall: sql`SELECT ${series.quantiles} AS q FROM ${series.from} WHERE ${series.where}`,
    daily: dailyCountsQuery(literal.uuidList([websiteId]), now),
  };
}

function rawSource(websiteId: string, from: number, to: number) {
  const counts = sql`countIf(maintenance = 0) AS n,
    countIf(outcome = 'up' AND maintenance = 0) AS up, countIf(maintenance = 1) AS m`;
  const quantiles = sql`quantilesTimingIf(${QUANTILE_LEVELS})(response_ms, ${ANSWERED})`;
  return {
    time: sql`scheduled_at`,
    from: sql`checks FINAL`,
    where: sql`website_id = ${literal.uuid(websiteId)}
      AND scheduled_at >= ${literal.dateTime(new Date(from * 1000))}
      AND scheduled_at < ${literal.dateTime(new Date(to * 1000))}`,
    counts,
    quantiles,
    aggregates: sql`${counts}, ${quantiles} AS q`,
  };
}

function rollupSource(websiteId: string, from: number, to: number) {
  // Aliases differ from the column names: ClickHouse would read `checks` in the
  // aggregate as the alias and report a cyclic alias.
  const counts = sql`sum(checks) AS n, sum(up_checks) AS up, sum(maintenance_checks) AS m`;
  const quantiles = sql`quantilesTimingMerge(${QUANTILE_LEVELS})(response_quantiles)`;
  return {
    time: sql`hour`,
    from: sql`checks_hourly FINAL`,
    where: sql`website_id = ${literal.uuid(websiteId)}
      AND hour >= ${literal.dateTime(new Date(from * 1000))}
      AND hour < ${literal.dateTime(new Date(to * 1000))}`,
    counts,
    quantiles,
    aggregates: sql`${counts}, ${quantiles} AS q`,
  };
}

/** ClickHouse's JSON: 64-bit integers arrive as strings. */
export interface CountRow {
  region: string;
  bucket?: string | number;
  n: string | number;
  up: string | number;
  /** Checks under maintenance: in neither n nor up. */
  m: string | number;
  q?: (number | null)[];
}

export interface QuantileRow {
  region: string;
  q: (number | null)[];
}

export interface MetricsRows {
  series: CountRow[];
  regions: QuantileRow[];
  overall: { q: (number | null)[] }[];
  daily: DailyCountRow[];
}

/** Runs the queries at once: the answer waits for the slowest, not for their sum. */
export async function runMetricsQueries(
  ch: ClickHouse,
  queries: MetricsQueries,
): Promise<MetricsRows> {
  const [series, regions, overall, daily] = await Promise.all([
    ch.rows<CountRow>(queries.series),
    ch.rows<QuantileRow>(queries.regions),
    ch.rows<{ q: (number | null)[] }>(queries.overall),
    ch.rows<DailyCountRow>(queries.daily),
  ]);
  return { series, regions, overall, daily };
}
