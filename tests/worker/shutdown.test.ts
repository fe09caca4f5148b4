/**
 * A worker stopping while checks hang: it must end within its supervisor's kill timeout,
 * store nothing for the checks it cut off (a cut-off check says nothing about the site),
 * and leave their tasks for another worker.
 */
import assert from "node:assert/strict";
import {
  eventually,
  pipelineBed,
  publisherFor,
  startTarget,
  startWorker,
} from "../helpers/pipeline.ts";
import { sql } from "../../db/clickhouse/sql.ts";

Deno.test("shutdown cuts off checks that outlast it; another worker runs them, none is down", async () => {
  const bed = await pipelineBed();
  let answering = false;
  const hanging: (() => void)[] = [];
  const target = startTarget(() =>
    answering
      ? new Response("ok")
      : new Promise<Response>((resolve) => hanging.push(() => resolve(new Response("ok"))))
  );
  // Checks still running 1 s into the shutdown are cut off (its last 3 s are for storing).
  const first = startWorker(bed, "ams", { shutdownMs: 4_000 });
  let second: ReturnType<typeof startWorker> | undefined;
  try {
    await bed.addWebsites(5, { url: target.url, regions: ["ams"], timeoutMs: 30_000 });
    assert.equal((await publisherFor(bed, { timeoutMs: 30_000 }).runCycle()).tasks, 5);
    await eventually(() => first.worker.running === 5, 10_000, "5 checks hanging");
    const began = Date.now();
    await first.stop();
    // Without the cut-off it would wait for the checks' 30 s timeout.
    assert.ok(Date.now() - began < 10_000, `stopped after ${Date.now() - began} ms`);
    assert.equal((await bed.resultCounts()).rows, 0, "nothing stored for the cut-off checks");

    answering = true;
    second = startWorker(bed, "ams");
    await eventually(
      async () => (await bed.resultCounts()).checks === 5,
      30_000,
      "the second worker to run the 5 checks",
    );
    const [down] = await bed.ch.rows<{ n: string }>(
      sql`SELECT count() AS n FROM checks FINAL WHERE outcome = 'down'`,
    );
    assert.equal(Number(down.n), 0);
  } finally {
    hanging.forEach((answer) => answer());
    await second?.stop();
    await target.close();
    await bed.close();
  }
});
