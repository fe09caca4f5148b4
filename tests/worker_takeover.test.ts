/**
 * A dead worker's tasks are taken over in seconds by a live worker of its region, even
 * when the dead worker had checked them already but could not store the results
 * (ClickHouse away): those results were never acknowledged, so the tasks run again.
 */
import assert from "node:assert/strict";
import { ensureLocalServices } from "../scripts/local_services.ts";
import { migrateClickHouse } from "../db/clickhouse/migrations.ts";
import { connectClickHouse } from "../db/clickhouse/client.ts";
import { eventually, pipelineBed, startTarget } from "./helpers/pipeline.ts";
import { freePort, spawnProcess } from "./helpers/processes.ts";
import { testConfig } from "./helpers/databases.ts";
import { decodeTask } from "../lib/task.ts";
import { sql } from "../db/clickhouse/sql.ts";

const WEBSITES = 400;

Deno.test("a worker killed during a ClickHouse outage: the survivor re-runs its tasks within 30 s, each slot stored once", async () => {
  const bed = await pipelineBed();
  const requestTimes: number[] = [];
  const target = startTarget(() => {
    requestTimes.push(Date.now());
    return new Response("ok");
  });
  // A ClickHouse of this test's own, to stop and start: the shared one serves others.
  const dataDir = `${await Deno.makeTempDir()}/`;
  const clickhouseUrl = `http://127.0.0.1:${freePort()}/takeover`;
  const urls = { ...testConfig(), clickhouseUrl };
  let clickhouse = await ensureLocalServices(urls, { only: ["ClickHouse"], dataDir });
  await migrateClickHouse(clickhouseUrl, { retentionDays: 90 });
  const ch = connectClickHouse(clickhouseUrl);
  const env = {
    ...bed.env,
    CLICKHOUSE_URL: clickhouseUrl,
    REGION: "ams",
    PUBLISHER_TICK_MS: "200",
  };
  const workers = [spawnProcess("worker/main.ts", env), spawnProcess("worker/main.ts", env)];
  const publisher = spawnProcess("publisher/main.ts", env);
  const stream = bed.keys.stream("ams");
  const group = bed.keys.consumerGroup;
  try {
    const names = await Promise.all(
      workers.map(async (w) => (await w.waitFor("worker.started")).consumer as string),
    );
    // A publisher still starting would find ClickHouse gone and exit.
    await publisher.waitFor("publisher.started");
    await clickhouse.stop();
    // Daily: of 400 hourly websites, one would come due again about every 9 s.
    await bed.addWebsites(WEBSITES, { url: target.url, regions: ["ams"], intervalSeconds: 86_400 });
    await eventually(() => requestTimes.length === WEBSITES, 30_000, "every website checked");
    // Every result is buffered in a worker, none acknowledged.
    await eventually(
      async () => Number((await bed.redis.xpending(stream, group) as [number])[0]) >= WEBSITES,
      10_000,
      "every task pending",
    );
    // Read now, while every entry is pending: once all are acknowledged, the publisher's
    // next enqueue (a website coming due) may trim them from the stream.
    const published = new Set(
      (await bed.redis.xrange(stream, "-", "+")).map(([, fields]) => {
        const task = decodeTask(fields[1])!;
        return `${task.websiteId}@${task.scheduledAt}`;
      }),
    ).size;
    assert.ok(published >= WEBSITES);
    const held = new Map(
      (await bed.redis.xinfo("CONSUMERS", stream, group) as string[][]).map((
        flat,
      ) => [String(flat[1]), Number(flat[3])]),
    );
    const doomedAt = (held.get(names[0]) ?? 0) >= (held.get(names[1]) ?? 0) ? 0 : 1;
    const doomed = workers[doomedAt];
    const survivor = workers[1 - doomedAt];
    const lost = held.get(names[doomedAt]) ?? 0;
    assert.ok(lost >= 100, `the doomed worker holds hundreds of results (${lost})`);
    const earliestDeadline = Math.min(
      ...(await bed.redis.xrange(stream, "-", "+")).map(([, fields]) =>
        decodeTask(fields[1])!.deadline
      ),
    );

    assert.equal((await doomed.stop("SIGKILL")).signal, "SIGKILL");
    const killedAt = Date.now();
    await eventually(
      // At least: the publisher may meanwhile publish a website's next slot (its offset).
      () => requestTimes.length >= WEBSITES + lost,
      40_000,
      `the survivor to re-run the ${lost} tasks of the dead worker`,
    ).catch((error) => {
      const events = survivor.lines.filter((l) => l.level !== "info" || l.event !== "worker.stats");
      console.error(requestTimes.length, JSON.stringify(events.slice(-30)));
      throw error;
    });
    const lastRerun = requestTimes[WEBSITES + lost - 1];
    assert.ok(lastRerun - killedAt <= 30_000, `re-run ${lastRerun - killedAt} ms after the kill`);
    assert.ok(lastRerun < earliestDeadline, "every re-run before its deadline");
    assert.ok(survivor.lines.some((l) => l.event === "worker.took_over"));

    clickhouse = await ensureLocalServices(urls, { only: ["ClickHouse"], dataDir });
    const counts = async () => {
      const [row] = await ch.rows<{ rows: string; slots: string }>(
        sql`SELECT count() AS rows, uniqExact(website_id, region_id, scheduled_at) AS slots
         FROM checks`,
      );
      return { rows: Number(row.rows), slots: Number(row.slots) };
    };
    await eventually(
      async () => (await counts()).slots >= published,
      60_000,
      "every slot stored",
    );
    await eventually(
      async () => Number((await bed.redis.xpending(stream, group) as [number])[0]) === 0,
      15_000,
      "every task acknowledged",
    );
    // Each slot once, however often it ran; a website that came due meanwhile adds its own.
    const { rows, slots } = await counts();
    assert.equal(rows, slots);
    assert.ok(slots >= published);
    // The dead consumer is gone from the group.
    const consumers = (await bed.redis.xinfo("CONSUMERS", stream, group) as string[][])
      .map((flat) => String(flat[1]));
    assert.deepEqual(consumers, [names[1 - doomedAt]]);
    assert.equal((await survivor.stop()).code, 0);
  } finally {
    for (const worker of workers) await worker.stop("SIGKILL");
    await publisher.stop();
    await ch.close();
    await clickhouse.stop();
    await Deno.remove(dataDir, { recursive: true });
    await target.close();
    await bed.close();
  }
});
