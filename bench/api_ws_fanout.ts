/**
 * `deno task bench api` (with api_metrics) or `deno task bench api_ws_fanout`: WebSocket fan-out latency. 1,000 sockets subscribed to one
 * website on one in-process web server; each of N results PUBLISHed to Redis must reach
 * all of them. Reported: p50/p99/max time from just before PUBLISH to receipt at each
 * socket (target: p99 < 100 ms), next to the same figures for one bare Redis subscriber
 * (the baseline: what Redis pub/sub alone costs).
 *
 * The server runs in this process; the clients run in a Worker (their own thread and
 * event loop). Both sides time with `performance.timeOrigin + performance.now()`.
 *
 *   deno run -A bench/api_ws_fanout.ts
 *   BENCH_SOCKETS=2000 BENCH_PUBLISHES=100 BENCH_SPACING_MS=50 deno run -A bench/api_ws_fanout.ts
 */
import { setLogContext } from "../lib/logger.ts";
import { apiServer } from "../tests/helpers/api.ts";
import { closeLiveHub } from "../web/live/hub.ts";
import type { FanoutReceipts, FanoutSetup } from "./support/ws_fanout_clients.ts";

setLogContext({ process: "bench" }, "error");
const SOCKETS = Number(Deno.env.get("BENCH_SOCKETS") ?? 1_000);
const PUBLISHES = Number(Deno.env.get("BENCH_PUBLISHES") ?? 50);
const SPACING_MS = Number(Deno.env.get("BENCH_SPACING_MS") ?? 100);
const TARGET_P99_MS = 100;

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const server = await apiServer();
const worker = new Worker(new URL("./support/ws_fanout_clients.ts", import.meta.url), {
  type: "module",
});
try {
  const { user, jar } = await server.user("bench");
  const [website] = await server.bed.pg.sql`
    insert into websites (owner_id, url, regions) values (${user.id}, 'https://example.com',
      ${["bench"]}) returning id`;
  const replies: ((data: { type: string }) => void)[] = [];
  worker.onmessage = ({ data }) => replies.shift()?.(data);
  const ask = <T>(message: unknown) =>
    new Promise<T>((resolve) => {
      replies.push(resolve as (data: unknown) => void);
      worker.postMessage(message);
    });

  const setup: FanoutSetup = {
    url: server.url,
    cookie: `uptime_session=${jar.get("uptime_session")}`,
    websiteId: website.id,
    sockets: SOCKETS,
    publishes: PUBLISHES,
    redisUrl: server.services.config.redisUrl,
    channel: server.bed.keys.resultsChannel,
  };
  const connecting = performance.now();
  await ask({ type: "start", setup });
  const connectMs = performance.now() - connecting;

  const published = new Float64Array(PUBLISHES);
  for (let seq = 0; seq < PUBLISHES; seq++) {
    const checkedAt = Math.floor(Date.now() / 1000);
    const message = JSON.stringify({
      websiteId: website.id,
      region: "bench",
      outcome: "up",
      httpStatus: 200,
      responseMs: 12,
      errorKind: "",
      checkedAt,
      // The sequence number, so the clients can match receipts to publishes.
      scheduledAt: seq,
    });
    published[seq] = now();
    await server.bed.redis.publish(server.bed.keys.resultsChannel, message);
    await sleep(SPACING_MS);
  }
  const deadline = Date.now() + 10_000;
  while ((await ask<{ received: number }>({ type: "count" })).received < SOCKETS * PUBLISHES) {
    if (Date.now() > deadline) break;
    await sleep(50);
  }
  const { receipts } = await ask<{ receipts: FanoutReceipts }>({ type: "finish" });

  const socketLatencies: number[] = [];
  let missing = 0;
  for (let seq = 0; seq < PUBLISHES; seq++) {
    for (let i = 0; i < SOCKETS; i++) {
      const at = receipts.sockets[seq * SOCKETS + i];
      if (Number.isNaN(at)) missing++;
      else socketLatencies.push(at - published[seq]);
    }
  }
  const redisLatencies = Array.from(receipts.redis, (at, seq) => at - published[seq])
    .filter((ms) => !Number.isNaN(ms));
  const sockets = summary(socketLatencies);
  const baseline = summary(redisLatencies);
  report(`WebSocket fan-out: ${SOCKETS} sockets × ${PUBLISHES} publishes, ${SPACING_MS} ms apart`, [
    ["sockets connected and subscribed in", `${connectMs.toFixed(0)} ms`],
    ["deliveries", `${socketLatencies.length} of ${SOCKETS * PUBLISHES} (${missing} missing)`],
    ["PUBLISH → socket p50", `${sockets.p50.toFixed(1)} ms`],
    ["PUBLISH → socket p99", `${sockets.p99.toFixed(1)} ms (target < ${TARGET_P99_MS} ms)`],
    ["PUBLISH → socket max", `${sockets.max.toFixed(1)} ms`],
    ["baseline: PUBLISH → bare Redis subscriber p50", `${baseline.p50.toFixed(1)} ms`],
    ["baseline: PUBLISH → bare Redis subscriber p99", `${baseline.p99.toFixed(1)} ms`],
    ["p99 over the baseline's p99", `+${(sockets.p99 - baseline.p99).toFixed(1)} ms`],
  ]);
  const ok = missing === 0 && sockets.p99 < TARGET_P99_MS;
  console.log(`  ${ok ? "PASS" : "FAIL"}: p99 ${sockets.p99.toFixed(1)} ms, target < 100 ms`);
  if (!ok) Deno.exitCode = 1;
} finally {
  worker.terminate();
  await closeLiveHub(server.services);
  await server.close();
}

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5) ?? NaN, p99: at(0.99) ?? NaN, max: sorted.at(-1) ?? NaN };
}

function report(title: string, rows: [string, string][]) {
  console.log(`\n${title}`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(48)} ${value}`);
}
