/**
 * `deno task bench api` (with api_ws_fanout) or `deno task bench api_metrics`: `website.metrics({range: "90d"})` on a website with
 * 1,000,000 check rows (3 regions over 90 days), through tRPC over HTTP to an in-process
 * server, against the same ClickHouse queries run directly through the client, in the
 * same run. Calls alternate between the two so load from elsewhere hits both alike.
 * Target: tRPC p50 and p99 at most 1.3× the direct ones.
 *
 *   deno task bench api_metrics
 *   BENCH_ROWS=200000 BENCH_CALLS=20 deno task bench api_metrics
 */
import { setLogContext } from "../lib/logger.ts";
import {
  metricsQueries,
  metricsWindow,
  runMetricsQueries,
} from "../services/websites/metrics_queries.ts";
import { apiServer } from "../tests/helpers/api.ts";
import { rollUpRecentHours } from "../db/clickhouse/rollup.ts";
import { sql } from "../db/clickhouse/sql.ts";

setLogContext({ process: "bench" }, "warn");
const ROWS = Number(Deno.env.get("BENCH_ROWS") ?? 1_000_000);
const CALLS = Number(Deno.env.get("BENCH_CALLS") ?? 50);
const WARM_UP = 5;
const BATCH = 100_000;
const REGIONS = ["ams", "iad", "syd"];
const TARGET = 1.3;

const server = await apiServer({ REGIONS: REGIONS.join(","), REGION: "ams" });
try {
  const { api } = await server.user("bench");
  const website = await api.website.create.mutate({ url: "https://example.com/" });

  const loadStart = performance.now();
  await insertChecks(server.bed.ch, website.id);
  const loadSeconds = (performance.now() - loadStart) / 1000;

  const viaTrpc = () => api.website.metrics.query({ id: website.id, range: "90d" });
  const direct = () => {
    const now = new Date();
    return runMetricsQueries(
      server.bed.ch,
      metricsQueries(website.id, metricsWindow("90d", now), now),
    );
  };
  const sample = await viaTrpc();
  if (sample.checks !== ROWS) {
    throw new Error(`metrics counted ${sample.checks} checks, expected ${ROWS}`);
  }

  for (let i = 0; i < WARM_UP; i++) {
    await Promise.all([viaTrpc(), direct()].map((p) => p.then(() => {})));
  }
  const trpcMs: number[] = [];
  const directMs: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    // Alternate which goes first, so neither always runs on a just-warmed cache.
    const order = i % 2
      ? [[viaTrpc, trpcMs], [direct, directMs]] as const
      : [[direct, directMs], [viaTrpc, trpcMs]] as const;
    for (const [call, times] of order) times.push(await timed(call));
  }

  const trpc = { p50: percentile(trpcMs, 0.5), p99: percentile(trpcMs, 0.99) };
  const plain = { p50: percentile(directMs, 0.5), p99: percentile(directMs, 0.99) };
  report(`website.metrics 90d, ${ROWS.toLocaleString("en")} rows, ${CALLS} calls each`, [
    ["rows inserted", `${ROWS.toLocaleString("en")} in ${loadSeconds.toFixed(1)} s`],
    ["tRPC over HTTP p50 / p99", `${trpc.p50.toFixed(1)} ms / ${trpc.p99.toFixed(1)} ms`],
    [
      "ClickHouse queries direct p50 / p99",
      `${plain.p50.toFixed(1)} ms / ${plain.p99.toFixed(1)} ms`,
    ],
    ["ratio p50", `${(trpc.p50 / plain.p50).toFixed(2)}× (target ≤ ${TARGET}×)`],
    ["ratio p99", `${(trpc.p99 / plain.p99).toFixed(2)}× (target ≤ ${TARGET}×)`],
  ]);
} finally {
  await server.close();
}

/** ROWS checks spread evenly over the last 90 days, region by region, 10% of them down. */
async function insertChecks(ch: typeof server.bed.ch, websiteId: string): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const first = metricsWindow("90d", new Date()).fromSeconds;
  const perRegion = Math.ceil(ROWS / REGIONS.length);
  const step = (now - first) / perRegion;
  const batches: (() => Promise<unknown>)[] = [];
  for (let start = 0; start < ROWS; start += BATCH) {
    batches.push(() => {
      const values = [];
      for (let i = start; i < Math.min(start + BATCH, ROWS); i++) {
        const region = i % REGIONS.length;
        const scheduled = first + Math.floor(Math.floor(i / REGIONS.length) * step);
        const up = i % 10 !== 0;
        values.push({
          website_id: websiteId,
          region_id: REGIONS[region],
          scheduled_at: scheduled,
          checked_at: scheduled + 1,
          outcome: up ? "up" : "down",
          http_status: up ? 200 : 503,
          response_ms: 20 + ((i * 7919) % 900),
          error_kind: up ? "" : "status",
          error_message: up ? "" : "expected 2xx or 3xx, got 503",
        });
      }
      return ch.insert(sql`checks`, values);
    });
  }
  // Two inserts in flight: one is built while the other is sent and aggregated.
  let next = 0;
  await Promise.all([0, 1].map(async () => {
    while (next < batches.length) await batches[next++]();
  }));
  await rollUpRecentHours(ch);
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

function percentile(values: number[], level: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(level * sorted.length) - 1)];
}

function report(title: string, rows: [string, string][]) {
  console.log(`\n${title}`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(38)} ${value}`);
}
