/**
 * A worker in the bench process, run through tasks queued beforehand: its wall time, its
 * CPU (the whole process's, which does nothing else meanwhile) and its batches.
 */
import process from "node:process";
import { encodeTask, type taskSchema } from "../../lib/task.ts";
import { metrics } from "../../lib/metrics.ts";
import { type PipelineBed, startWorker } from "../../tests/helpers/pipeline.ts";
import { sleep } from "./report.ts";
import type { z } from "zod";

type TaskInput = z.input<typeof taskSchema>;

/** A GET of `url` for the slot `scheduledAt`, due for the next ten minutes. */
export function benchTask(websiteId: string, url: string, scheduledAt: number): TaskInput {
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

/** Adds the tasks to the region's stream, pipelined in chunks. */
export async function queueTasks(
  bed: PipelineBed,
  region: string,
  tasks: TaskInput[],
): Promise<void> {
  const stream = bed.keys.stream(region);
  for (let i = 0; i < tasks.length; i += 10_000) {
    const pipeline = bed.redis.pipeline();
    for (const task of tasks.slice(i, i + 10_000)) {
      pipeline.xadd(stream, "*", "t", encodeTask(task));
    }
    await pipeline.exec();
  }
}

export interface WorkerRun {
  /** From the start until `count` results were stored and acknowledged. */
  ms: number;
  /** CPU of this process over the same time, in µs. */
  cpuUs: number;
  /** Batches stored (each one ClickHouse insert, one evaluation, one acknowledgement). */
  batches: number;
}

/**
 * Starts a worker of `region` with `concurrency` and the default flush size, waits until
 * it stored `count` results (calling `poll` every 50 ms meanwhile), then stops it.
 */
export async function runWorkerThrough(
  bed: PipelineBed,
  region: string,
  count: number,
  options: { concurrency: number; poll?: () => void },
): Promise<WorkerRun> {
  const batchesBefore = await storedBatches();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const worker = startWorker(bed, region, {
    concurrency: options.concurrency,
    reclaimIdleMs: 300_000,
    flushDelayMs: undefined,
  });
  while (worker.worker.stats.stored < count) {
    options.poll?.();
    await sleep(options.poll ? 50 : 20);
  }
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  await worker.stop();
  return { ms, cpuUs: cpu.user + cpu.system, batches: (await storedBatches()) - batchesBefore };
}

async function storedBatches(): Promise<number> {
  const { values } = await metrics.clickhouseInsertDuration.get();
  return values.find((v) => v.metricName?.endsWith("_count"))?.value ?? 0;
}
