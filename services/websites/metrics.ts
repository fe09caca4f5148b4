/**
 * `website.metrics`: uptime and response times over a range, per region and over all,
 * a series of buckets per region, 90 daily bars, and the latest result per region.
 * Uptime is a percentage (0–100) of distinct checks that were up; it and the response
 * times are null where there were no checks. Timestamps are epoch milliseconds.
 */
import type { Actor, Services } from "../context.ts";
import {
  type CountRow,
  metricsQueries,
  metricsWindow,
  runMetricsQueries,
} from "./metrics_queries.ts";
import type { MetricsInput } from "./schemas.ts";
import { ownedWebsite } from "./store.ts";
import { liveResultFields, parseLiveJson } from "../../lib/live_result.ts";
import { type DailyBar, dailyBars, uptimePercent as percent } from "../../lib/uptime.ts";
import { dayCounts } from "../uptime/daily_uptime.ts";

export interface ResponseTimes {
  p50: number;
  p95: number;
  p99: number;
}

export interface Bucket {
  /** Start of the bucket. */
  at: number;
  /** Checks that count: those under maintenance are in neither this nor `up`. */
  checks: number;
  up: number;
  /** Checks while the monitor was under maintenance. */
  maintenance: number;
  uptime: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface LatestStatus {
  outcome: "up" | "down";
  httpStatus: number;
  responseMs: number;
  errorKind: string;
  checkedAt: number;
  scheduledAt: number;
  /** Up, but slower than the monitor's degraded threshold (absent from older workers). */
  degraded?: boolean;
}

export interface RegionMetrics {
  region: string;
  checks: number;
  up: number;
  maintenance: number;
  uptime: number | null;
  responseMs: ResponseTimes | null;
  series: Bucket[];
  latest: LatestStatus | null;
}

export interface WebsiteMetrics {
  range: MetricsInput["range"];
  from: number;
  to: number;
  bucketMs: number;
  checks: number;
  up: number;
  /** Checks under maintenance, counted in no uptime. */
  maintenance: number;
  uptime: number | null;
  responseMs: ResponseTimes | null;
  regions: RegionMetrics[];
  /** The last 90 UTC days, oldest first, every region together (as on the status page). */
  daily: DailyBar[];
}

// What the worker writes to the live-status hash; anything else there is ignored.
const latestSchema = liveResultFields(
  "outcome",
  "httpStatus",
  "responseMs",
  "errorKind",
  "checkedAt",
  "scheduledAt",
  "degraded",
);

export async function websiteMetrics(
  services: Services,
  actor: Actor,
  input: MetricsInput,
): Promise<WebsiteMetrics> {
  const website = await ownedWebsite(services.readDb, actor, input.id);
  const now = new Date();
  const window = metricsWindow(input.range, now);
  const [rows, live] = await Promise.all([
    runMetricsQueries(services.ch, metricsQueries(website.id, window, now)),
    services.redis.hgetall(services.keys.liveStatus(website.id)),
  ]);

  const regionNames = [
    ...new Set([...website.regions, ...rows.series.map((row) => row.region)]),
  ];
  const quantiles = new Map(rows.regions.map((row) => [row.region, row.q]));
  const regions = regionNames.map((region): RegionMetrics => {
    const series = fillBuckets(
      rows.series.filter((row) => row.region === region),
      window.fromSeconds,
      window.bucketSeconds,
      window.buckets,
    );
    const checks = sum(series.map((bucket) => bucket.checks));
    const up = sum(series.map((bucket) => bucket.up));
    const maintenance = sum(series.map((bucket) => bucket.maintenance));
    return {
      region,
      checks,
      up,
      maintenance,
      uptime: percent(up, checks),
      responseMs: checks + maintenance ? responseTimes(quantiles.get(region)) : null,
      series,
      latest: parseLatest(live[region]),
    };
  });
  const checks = sum(regions.map((r) => r.checks));
  const up = sum(regions.map((r) => r.up));
  const maintenance = sum(regions.map((r) => r.maintenance));
  return {
    range: input.range,
    from: window.fromSeconds * 1000,
    to: window.toSeconds * 1000,
    bucketMs: window.bucketSeconds * 1000,
    checks,
    up,
    maintenance,
    uptime: percent(up, checks),
    responseMs: checks + maintenance ? responseTimes(rows.overall[0]?.q) : null,
    regions,
    daily: dailyBars(dayCounts(rows.daily).get(website.id) ?? [], now),
  };
}

function fillBuckets(rows: CountRow[], from: number, size: number, count: number): Bucket[] {
  const byStart = new Map(rows.map((row) => [Number(row.bucket), row]));
  return Array.from({ length: count }, (_, index) => {
    const start = from + index * size;
    const row = byStart.get(start);
    const checks = Number(row?.n ?? 0);
    const up = Number(row?.up ?? 0);
    const maintenance = Number(row?.m ?? 0);
    const times = checks + maintenance ? responseTimes(row?.q) : null;
    return {
      at: start * 1000,
      checks,
      up,
      maintenance,
      uptime: percent(up, checks),
      p50: times?.p50 ?? null,
      p95: times?.p95 ?? null,
      p99: times?.p99 ?? null,
    };
  });
}

/** p50, p95 and p99 from ClickHouse's quantiles; null where it had no values. */
export function responseTimes(q: (number | null)[] | undefined): ResponseTimes | null {
  if (!q || q.length < 3 || q.some((value) => typeof value !== "number")) return null;
  const [p50, p95, p99] = q as number[];
  return { p50, p95, p99 };
}

function parseLatest(json: string | undefined): LatestStatus | null {
  return parseLiveJson(json, latestSchema);
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
