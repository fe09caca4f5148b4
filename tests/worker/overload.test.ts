/**
 * A worker overloaded on purpose: its event loop held up by a busy loop in this process
 * (the worker runs here too), against a healthy target in a process of its own. A healthy site must never be stored as down because the worker was too busy to
 * read its answer, and the work it cannot do must stay in the stream for another worker.
 */
import assert from "node:assert/strict";
import {
  eventually,
  type PipelineBed,
  pipelineBed,
  publisherFor,
  startWorker,
} from "../helpers/pipeline.ts";
import { spawnProcess } from "../helpers/processes.ts";
import { startTargetProcess } from "../helpers/target_process.ts";
import { sql } from "../../db/clickhouse/sql.ts";

/** Keeps this process's event loop busy for `ms`, as a worker swamped with work would be. */
function holdEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy on purpose
  }
}

async function publishOnce(bed: PipelineBed): Promise<number> {
  return (await publisherFor(bed, { timeoutMs: 10_000 }).runCycle()).tasks;
}

async function outcomes(bed: PipelineBed): Promise<Record<string, number>> {
  const rows = await bed.ch.rows<{ outcome: string; n: string }>(
    sql`SELECT outcome, count() AS n FROM checks FINAL GROUP BY outcome`,
  );
  return Object.fromEntries(rows.map((row) => [row.outcome, Number(row.n)]));
}

Deno.test("checks that time out while the worker is held up are run again, never stored as down", async () => {
  const bed = await pipelineBed();
  // Answers in 300 ms, well within the 1 s timeout.
  const target = await startTargetProcess(300);
  const ams = startWorker(bed, "ams", { concurrency: 1_000 });
  try {
    await bed.addWebsites(100, { url: target.url, regions: ["ams"], timeoutMs: 1_000 });
    assert.equal(await publishOnce(bed), 100);
    // The moment checks are in flight, hold the loop longer than their 1 s timeout: their
    // requests go out late or their answers wait unread, and their deadlines pass.
    const until = Date.now() + 20_000;
    while (ams.worker.running === 0) {
      assert.ok(Date.now() < until, "no check started within 20 s");
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    holdEventLoop(1_500);
    await eventually(
      async () => (await bed.resultCounts()).checks === 100,
      30_000,
      "a result for every website",
    ).catch((error) => {
      console.error(ams.worker.stats);
      throw error;
    });
    assert.deepEqual(await outcomes(bed), { up: 100 });
    assert.ok(ams.worker.stats.rerun > 0, "some checks timed out while held up and ran again");
    assert.equal(ams.worker.stats.checked, 100);
  } finally {
    await ams.stop();
    await target.stop();
    await bed.close();
  }
});

Deno.test("an overloaded worker leaves the tasks it cannot run to another worker", async () => {
  const bed = await pipelineBed();
  const target = await startTargetProcess();
  // Busy 400 ms of every 500 for as long as the test runs: this worker can do little.
  const hog = setInterval(() => holdEventLoop(400), 500);
  const swamped = startWorker(bed, "ams", { concurrency: 1_000 });
  const healthy = spawnProcess("worker/main.ts", { ...bed.env, REGION: "ams" });
  try {
    await healthy.waitFor("worker.started", 60_000);
    await bed.addWebsites(1_000, { url: target.url, regions: ["ams"] });
    assert.equal(await publishOnce(bed), 1_000);
    // Held up at once as well: published into one of the hog's free 100 ms, a worker that
    // checks in a millisecond would run hundreds of tasks before its next stall.
    holdEventLoop(400);
    await eventually(
      async () => (await bed.resultCounts()).checks === 1_000,
      90_000,
      "a result for every website",
    ).catch((error) => {
      console.error(swamped.worker.stats, healthy.lines.slice(-5));
      throw error;
    });
    assert.deepEqual(await outcomes(bed), { up: 1_000 });
    // Without a bound it would have taken 1,500 tasks (concurrency and read-ahead) at once.
    const { checked, rerun } = swamped.worker.stats;
    assert.ok(checked + rerun < 250, `the swamped worker took ${checked + rerun} of 1,000`);
  } finally {
    clearInterval(hog);
    await swamped.stop();
    await healthy.stop();
    await target.stop();
    await bed.close();
  }
});
