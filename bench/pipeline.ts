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
import { type PipelineBed, pipelineBed, publisherFor } from "../tests/helpers/pipeline.ts";
import { startTargetProcess } from "./support/processes.ts";
import { median, report, timed } from "./support/report.ts";
import { benchTask, queueTasks, runWorkerThrough } from "./support/worker_run.ts";

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
      await queueTasks(
        bed,
        "bench",
        Array.from({ length: CHECKS }, () => benchTask(websiteId, target.url, slot--)),
      );
      return (await runWorkerThrough(bed, "bench", CHECKS, { concurrency: CONCURRENCY })).ms;
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

async function publisherEnqueue(bed: PipelineBed) {
  await bed.addWebsites(PUBLISHED / 2, {
    url: "https://example.com/",
    regions: ["pa", "pb"],
    intervalSeconds: 3_600,
  });
  const publisher = publisherFor(bed, { leaseMs: 60_000, timeoutMs: 10_000 });
  let tasks = 0;
  const publisherMs = await timed(async () => {
    tasks = (await publisher.runCycle()).tasks;
  });
  if (tasks !== PUBLISHED) throw new Error(`published ${tasks}, expected ${PUBLISHED}`);

  // The same payloads, straight into a stream, pipelined in the same chunks.
  const payload = encodeTask(benchTask(crypto.randomUUID(), "https://example.com/", 1));
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
    await queueTasks(
      bed,
      "mem",
      Array.from({ length: IN_FLIGHT }, (_, i) => benchTask(websiteId, target.url, now - i)),
    );
    const before = Deno.memoryUsage().rss;
    let peak = before;
    await runWorkerThrough(bed, "mem", IN_FLIGHT, {
      concurrency: IN_FLIGHT,
      poll: () => peak = Math.max(peak, Deno.memoryUsage().rss),
    });
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
