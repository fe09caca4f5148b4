/**
 * `deno task bench pipeline`: the check pipeline against its baselines, in one run.
 *  1. worker end-to-end checks/s (stream → HTTP check → ClickHouse → ack) vs a plain
 *     loop of fetch to the same target at the same concurrency, with keep-alive and with
 *     a fresh connection per request (target ≥ 0.8 of the latter, like for like);
 *  2. publisher: 100,000 (website, region) tasks from Postgres vs a bare pipelined XADD
 *     of 100,000 entries (target ≤ 1.5×);
 *  3. worker memory with 1,000 checks in flight against a slow target.
 */
import { setLogContext } from "../lib/logger.ts";
import { encodeTask } from "../lib/task.ts";
import { LeaderLease } from "../publisher/leader_lease.ts";
import { Publisher } from "../publisher/publisher.ts";
import { type PipelineBed, pipelineBed, startWorker } from "../tests/helpers/pipeline.ts";
import { startTargetProcess } from "./support/processes.ts";

setLogContext({ process: "bench" }, "warn");
// Long enough that the last batch's flush delay (250 ms) is a small part of the run.
const CHECKS = 20_000;
const CONCURRENCY = 50;
const PUBLISHED = 100_000;

const bed = await pipelineBed();
try {
  const only = Deno.env.get("BENCH_ONLY");
  if (!only || only === "worker") await workerThroughput(bed);
  if (!only || only === "publisher") await publisherEnqueue(bed);
  if (!only || only === "memory") await workerMemory(bed);
} finally {
  await bed.close();
}

async function workerThroughput(bed: PipelineBed) {
  const ROUNDS = 3;
  const target = await startTargetProcess();
  const [websiteId] = await bed.addWebsites(1, { url: target.url, regions: ["bench"] });
  try {
    // Baselines: the same number of requests, same concurrency, nothing else; once with
    // fetch's default pooled keep-alive client, once with a new connection per request.
    const fetchLoop = (client?: Deno.HttpClient) => {
      // `client` is Deno's extension of RequestInit; the project's DOM lib lacks it.
      const init: RequestInit & { client?: Deno.HttpClient } = { client };
      return timed(async () => {
        let next = 0;
        await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
          while (next++ < CHECKS) await (await fetch(target.url, init)).arrayBuffer();
        }));
      });
    };
    let slot = Math.floor(Date.now() / 1000);
    const workerRun = async () => {
      const stream = bed.keys.stream("bench");
      const pipeline = bed.redis.pipeline();
      for (let i = 0; i < CHECKS; i++) {
        pipeline.xadd(stream, "*", "t", encodeTask(task(websiteId, target.url, slot--)));
      }
      await pipeline.exec();
      const worker = startWorker(bed, "bench", {
        concurrency: CONCURRENCY,
        reclaimIdleMs: 300_000,
        flushDelayMs: undefined,
      });
      const ms = await timed(async () => {
        while (worker.worker.stats.stored < CHECKS) await sleep(20);
      });
      await worker.stop();
      return ms;
    };
    // Rounds alternate the sides, so a noisy moment on this shared machine hits both.
    const keepAlive: number[] = [];
    const fresh: number[] = [];
    const worker: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      keepAlive.push(await fetchLoop());
      const freshClient = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
      fresh.push(await fetchLoop(freshClient).finally(() => freshClient.close()));
      worker.push(await workerRun());
    }
    const rate = (ms: number[]) => CHECKS / (median(ms) / 1000);
    const [keepAliveRate, freshRate, workerRate] = [rate(keepAlive), rate(fresh), rate(worker)];
    // Judged on the fresh-connection loop: a check must open its own connection (so DNS,
    // TCP and TLS faults show), which a pooled keep-alive loop never pays for.
    report(`worker end-to-end (stream → check → ClickHouse → ack), median of ${ROUNDS} rounds`, [
      [`worker`, `${workerRate.toFixed(0)} checks/s`],
      [`plain fetch loop, keep-alive`, `${keepAliveRate.toFixed(0)} requests/s`],
      [`plain fetch loop, fresh connection`, `${freshRate.toFixed(0)} requests/s`],
      [`ratio to keep-alive loop`, `${(workerRate / keepAliveRate).toFixed(2)} (for reference)`],
      [`ratio to fresh-connection loop`, `${(workerRate / freshRate).toFixed(2)} (target ≥ 0.8)`],
    ]);
  } finally {
    await bed.pg.sql`update websites set active = false where id = ${websiteId}`;
    await target.stop();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function publisherEnqueue(bed: PipelineBed) {
  await bed.addWebsites(PUBLISHED / 2, {
    url: "https://example.com/",
    regions: ["pa", "pb"],
    intervalSeconds: 3_600,
  });
  const lease = new LeaderLease(bed.redis, bed.keys.publisherLease, 60_000);
  const publisher = new Publisher({
    sql: bed.pg.sql,
    redis: bed.redis,
    keys: bed.keys,
    lease,
    defaults: { intervalSeconds: 180, timeoutMs: 10_000 },
  });
  let tasks = 0;
  const publisherMs = await timed(async () => {
    tasks = (await publisher.runCycle()).tasks;
  });
  if (tasks !== PUBLISHED) throw new Error(`published ${tasks}, expected ${PUBLISHED}`);

  // The same payloads, straight into a stream, pipelined in the same chunks.
  const payload = encodeTask(task(crypto.randomUUID(), "https://example.com/", 1));
  const bareStream = bed.keys.stream("bare");
  const bareMs = await timed(async () => {
    for (let i = 0; i < PUBLISHED; i += 10_000) {
      const pipeline = bed.redis.pipeline();
      for (let j = i; j < i + 10_000; j++) pipeline.xadd(bareStream, "*", "t", payload);
      await pipeline.exec();
    }
  });
  report("publisher enqueue of 100,000 tasks", [
    ["from Postgres (publisher cycle)", `${publisherMs.toFixed(0)} ms`],
    ["bare pipelined XADD", `${bareMs.toFixed(0)} ms`],
    ["ratio", `${(publisherMs / bareMs).toFixed(2)}× (target ≤ 1.5×)`],
  ]);
  await bed.redis.del(bed.keys.stream("pa"), bed.keys.stream("pb"), bareStream);
}

async function workerMemory(bed: PipelineBed) {
  const IN_FLIGHT = 1_000;
  const target = await startTargetProcess(4_000);
  try {
    const [websiteId] = await bed.addWebsites(1, { url: target.url, regions: ["mem"] });
    const now = Math.floor(Date.now() / 1000);
    const pipeline = bed.redis.pipeline();
    for (let i = 0; i < IN_FLIGHT; i++) {
      pipeline.xadd(
        bed.keys.stream("mem"),
        "*",
        "t",
        encodeTask(task(websiteId, target.url, now - i)),
      );
    }
    await pipeline.exec();
    const before = Deno.memoryUsage().rss;
    const worker = startWorker(bed, "mem", {
      concurrency: IN_FLIGHT,
      reclaimIdleMs: 300_000,
      flushDelayMs: undefined,
    });
    let peak = before;
    while (worker.worker.stats.stored < IN_FLIGHT) {
      peak = Math.max(peak, Deno.memoryUsage().rss);
      await sleep(50);
    }
    await worker.stop();
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
    report("worker memory, 1,000 checks in flight (target answers after 4 s)", [
      ["RSS before", mb(before)],
      ["RSS peak", mb(peak)],
      [
        "growth",
        `${mb(peak - before)} (${((peak - before) / IN_FLIGHT / 1024).toFixed(1)} KiB per check)`,
      ],
    ]);
  } finally {
    await target.stop();
  }
}

function task(websiteId: string, url: string, scheduledAt: number) {
  return {
    websiteId,
    url,
    method: "GET",
    headers: {},
    body: null,
    timeoutMs: 10_000,
    expectedStatus: null,
    keyword: null,
    scheduledAt,
    deadline: Date.now() + 600_000,
  };
}

async function timed(work: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function report(title: string, rows: [string, string][]) {
  console.log(`\n${title}`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(34)} ${value}`);
}
