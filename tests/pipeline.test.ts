import assert from "node:assert/strict";
import {
  eventually,
  pipelineBed,
  publisherFor,
  startTarget,
  startWorker,
} from "./helpers/pipeline.ts";
import { encodeTask, MAX_TASK_AGE_MS } from "../lib/task.ts";
import { rollUpRecentHours } from "../db/clickhouse/rollup.ts";
import { sql } from "../db/clickhouse/sql.ts";
import { metricsText } from "../lib/metrics.ts";
import { parseMetrics, sample } from "./helpers/scrape.ts";

/** How many slots this process's publishers have timed (`uptime_publisher_lag_seconds`). */
async function lagsObserved(): Promise<number> {
  return sample(parseMetrics(await metricsText()), "uptime_publisher_lag_seconds");
}

/** A task as the publisher puts it on a stream, for a GET of `url` with a 1 s timeout. */
function taskFor(websiteId: string, url: string, scheduledAt: number, deadline: number): string {
  return encodeTask({
    websiteId,
    url,
    method: "GET",
    headers: {},
    body: null,
    timeoutMs: 1_000,
    expectedStatus: null,
    keyword: null,
    scheduledAt,
    deadline,
  });
}

Deno.test("two regions and a publisher: each (website, region, cycle) yields one result", async () => {
  const bed = await pipelineBed();
  const target = startTarget();
  const ams = startWorker(bed, "ams");
  const iad = startWorker(bed, "iad");
  try {
    const ids = await bed.addWebsites(10, {
      url: target.url,
      regions: ["ams", "iad"],
      intervalSeconds: 60,
    });
    const publisher = publisherFor(bed);
    const start = Date.now();
    // Three cycles, one interval apart; a repeated tick within a cycle publishes nothing.
    for (let cycle = 0; cycle < 3; cycle++) {
      const now = new Date(start + cycle * 60_000);
      assert.equal((await publisher.runCycle(now)).tasks, 20);
      assert.equal((await publisher.runCycle(now)).tasks, 0);
    }
    await eventually(async () => (await bed.resultCounts()).rows >= 60, 20_000, "60 results").catch(
      async (e) => {
        console.error(
          ams.worker.stats,
          iad.worker.stats,
          await bed.resultCounts(),
          target.requests,
        );
        throw e;
      },
    );
    assert.deepEqual(await bed.resultCounts(), { rows: 60, checks: 60 });
    for (const id of ids) {
      assert.deepEqual(
        (await bed.resultsFor(id)).map((r) => [r.region_id, r.outcome, Number(r.n)]),
        [["ams", "up", 3], ["iad", "up", 3]],
      );
    }
    // Written after the insert, with the acknowledgement: the rows can be there first.
    let live: Record<string, string> = {};
    await eventually(
      async () => {
        live = await bed.redis.hgetall(bed.keys.liveStatus(ids[0]));
        return Object.keys(live).length === 2;
      },
      10_000,
      "both regions' live status",
    );
    assert.deepEqual(Object.keys(live).sort(), ["ams", "iad"]);
    assert.equal(JSON.parse(live.ams).outcome, "up");
    // Epoch milliseconds, like every timestamp the API and the WebSocket send.
    assert.ok(Math.abs(JSON.parse(live.ams).checkedAt - Date.now()) < 600_000);
  } finally {
    await ams.stop();
    await iad.stop();
    await target.close();
    await bed.close();
  }
});

Deno.test("a paused or deleted website's queued task is dropped, not checked", async () => {
  const bed = await pipelineBed();
  const target = startTarget();
  try {
    const [paused, deleted, kept] = await bed.addWebsites(3, { url: target.url, regions: ["ams"] });
    assert.equal((await publisherFor(bed).runCycle()).tasks, 3);
    await bed.pg.sql`update websites set active = false where id = ${paused}`;
    await bed.pg.sql`delete from websites where id = ${deleted}`;
    const ams = startWorker(bed, "ams");
    await eventually(
      () => ams.worker.stats.stored + ams.worker.stats.dropped === 3,
      10_000,
      "3 tasks handled",
    );
    await ams.stop();
    assert.equal(target.requests, 1);
    assert.equal((await bed.resultsFor(kept)).length, 1);
    const pending = await bed.redis.xpending(bed.keys.stream("ams"), bed.keys.consumerGroup);
    assert.equal(pending[0], 0);
  } finally {
    await target.close();
    await bed.close();
  }
});

Deno.test("a task past its deadline is acknowledged without a check", async () => {
  const bed = await pipelineBed();
  const target = startTarget();
  try {
    const [id] = await bed.addWebsites(1, { url: target.url, regions: ["ams"] });
    const stale = Math.floor(Date.now() / 1000) - 600;
    await bed.redis.xadd(
      bed.keys.stream("ams"),
      "*",
      "t",
      taskFor(id, target.url, stale, stale * 1000 + 60_000),
    );
    const ams = startWorker(bed, "ams");
    await eventually(() => ams.worker.stats.dropped === 1, 10_000, "the stale task dropped");
    await ams.stop();
    assert.equal(target.requests, 0);
  } finally {
    await target.close();
    await bed.close();
  }
});

Deno.test("a task redelivered after a crash between insert and ack is counted once", async () => {
  const bed = await pipelineBed();
  const target = startTarget();
  try {
    const [id] = await bed.addWebsites(1, { url: target.url, regions: ["ams"] });
    await publisherFor(bed).runCycle();
    const stream = bed.keys.stream("ams");
    await bed.redis.xgroup("CREATE", stream, bed.keys.consumerGroup, "0", "MKSTREAM");
    // A worker that read the task, stored its result and died before acknowledging.
    const reply = await bed.redis.xreadgroup(
      "GROUP",
      bed.keys.consumerGroup,
      "crashed-worker",
      "COUNT",
      10,
      "STREAMS",
      stream,
      ">",
    ) as [string, [string, string[]][]][];
    const task = JSON.parse(reply[0][1][0][1][1]);
    await bed.ch.insert(sql`checks`, [{
      website_id: id,
      region_id: "ams",
      scheduled_at: task.scheduledAt,
      checked_at: task.scheduledAt,
      outcome: "up",
      http_status: 200,
      response_ms: 7,
      error_kind: "",
      error_message: "",
    }]);
    const survivor = startWorker(bed, "ams", { reclaimIdleMs: 1_000 });
    await eventually(() => survivor.worker.stats.stored === 1, 15_000, "the task reclaimed");
    await survivor.stop();
    assert.deepEqual(await bed.resultCounts(), { rows: 1, checks: 1 });
    await rollUpRecentHours(bed.ch);
    const [rollup] = await bed.ch.rows<{ n: string }>(
      sql`SELECT sum(checks) AS n FROM checks_hourly FINAL`,
    );
    assert.equal(Number(rollup.n), 1);
    const pending = await bed.redis.xpending(stream, bed.keys.consumerGroup);
    assert.equal(pending[0], 0);
  } finally {
    await target.close();
    await bed.close();
  }
});

Deno.test("a task that keeps failing goes to the dead letters instead of cycling", async () => {
  const bed = await pipelineBed();
  try {
    const stream = bed.keys.stream("ams");
    await bed.redis.xgroup("CREATE", stream, bed.keys.consumerGroup, "0", "MKSTREAM");
    await bed.redis.xadd(stream, "*", "t", "{not json");
    const ams = startWorker(bed, "ams");
    await eventually(() => ams.worker.stats.deadLettered === 1, 10_000, "a dead letter");
    await ams.stop();
    const dead = await bed.redis.xrange(bed.keys.deadLetters("ams"), "-", "+");
    assert.equal(dead.length, 1);
    assert.match(dead[0][1].join(" "), /not a valid task/);
  } finally {
    await bed.close();
  }
});

Deno.test("only the lease holder publishes; a standby takes over when it is gone", async () => {
  const bed = await pipelineBed();
  try {
    // Hourly, so none of the first five comes due again during the takeover.
    const hourly = { url: "http://127.0.0.1:9/", regions: ["ams"], intervalSeconds: 3_600 };
    await bed.addWebsites(5, hourly);
    const leader = publisherFor(bed, { leaseMs: 1_000 });
    const standby = publisherFor(bed, { leaseMs: 1_000 });
    assert.equal((await leader.runCycle()).leader, true);
    const second = await standby.runCycle();
    assert.equal(second.leader, false);
    assert.equal(second.tasks, 0);
    await bed.addWebsites(2, hourly);
    // The leader dies: its lease expires and the standby's next tick takes over.
    await bed.redis.pexpire(bed.keys.publisherLease, 1);
    await eventually(async () => (await standby.runCycle()).leader, 3_000, "takeover");
    assert.equal(await bed.redis.xlen(bed.keys.stream("ams")), 7);
    // The old leader, back from a pause, cannot publish any more.
    await bed.addWebsites(1, hourly);
    assert.equal((await leader.runCycle()).tasks, 0);
  } finally {
    await bed.close();
  }
});

Deno.test("20,000 active websites: every task is enqueued, kept and checked", async () => {
  const bed = await pipelineBed();
  const target = startTarget();
  try {
    const hourly = { url: target.url, regions: ["ams"], intervalSeconds: 3_600 };
    await bed.addWebsites(20_000, hourly);
    const publisher = publisherFor(bed);
    assert.equal((await publisher.runCycle()).tasks, 20_000);
    // Publishing trims by age only: younger entries stay, however many there are. Later
    // on, the websites whose offset in the hour has come are due again, and the new one.
    await bed.addWebsites(1, hourly);
    const later = await publisher.runCycle(new Date(Date.now() + MAX_TASK_AGE_MS / 2));
    assert.ok(later.tasks > 1 && later.tasks < 5_000, `${later.tasks} due again`);
    const total = 20_000 + later.tasks;
    assert.equal(await bed.redis.xlen(bed.keys.stream("ams")), total);
    const ams = startWorker(bed, "ams", { concurrency: 200, flushRows: 2_000 });
    await eventually(() => ams.worker.stats.stored === total, 120_000, `${total} results`);
    await ams.stop();
    assert.deepEqual(await bed.resultCounts(), { rows: total, checks: total });
  } finally {
    await target.close();
    await bed.close();
  }
});

Deno.test("with the guard on, a website on 127.0.0.1 is stored as blocked and never contacted", async () => {
  const bed = await pipelineBed();
  const target = startTarget();
  const ams = startWorker(bed, "ams", { allowPrivateTargets: false });
  try {
    const [id] = await bed.addWebsites(1, { url: target.url, regions: ["ams"] });
    await publisherFor(bed).runCycle();
    await eventually(() => ams.worker.stats.stored === 1, 10_000, "the result");
    const [row] = await bed.ch.rows<{ outcome: string; error_kind: string; error_message: string }>(
      sql`SELECT outcome, error_kind, error_message FROM checks`,
    );
    assert.equal(row.outcome, "down");
    assert.equal(row.error_kind, "blocked");
    assert.match(row.error_message, /127\.0\.0\.1/);
    assert.equal(target.requests, 0);
    assert.deepEqual((await bed.resultsFor(id)).map((r) => r.error_kind), ["blocked"]);
  } finally {
    await ams.stop();
    await target.close();
    await bed.close();
  }
});

Deno.test("a target that never answers is a timeout; the other checks are not held up", async () => {
  const bed = await pipelineBed();
  const fast = startTarget();
  const hanging = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of hanging) held.push(conn); // accepts, never answers
  })();
  const ams = startWorker(bed, "ams");
  try {
    const { port } = hanging.addr as Deno.NetAddr;
    const [slow] = await bed.addWebsites(1, {
      url: `http://127.0.0.1:${port}/`,
      regions: ["ams"],
      timeoutMs: 1_500,
    });
    await bed.addWebsites(10, { url: fast.url, regions: ["ams"] });
    // A second ahead: Postgres stamps a new website due to the microsecond, and a claim in
    // the same millisecond (JavaScript's resolution) would not find it due yet.
    await publisherFor(bed).runCycle(new Date(Date.now() + 1_000));
    // The ten fast results are stored while the hanging check is still waiting.
    await eventually(() => ams.worker.stats.stored === 10, 10_000, "10 fast results");
    assert.equal((await bed.resultsFor(slow)).length, 0);
    await eventually(() => ams.worker.stats.stored === 11, 10_000, "the timeout result");
    const [row] = await bed.ch.rows<{ error_kind: string; response_ms: number }>(
      sql`SELECT error_kind, response_ms FROM checks WHERE error_kind != ''`,
    );
    assert.equal(row.error_kind, "timeout");
    assert.ok(row.response_ms >= 1_400 && row.response_ms < 2_500, `${row.response_ms} ms`);
  } finally {
    await ams.stop();
    hanging.close();
    await accepting.catch(() => {});
    for (const conn of held) conn.close();
    await fast.close();
    await bed.close();
  }
});

Deno.test("a publisher killed after enqueueing: its successor publishes no slot twice", async () => {
  const bed = await pipelineBed();
  try {
    await bed.addWebsites(5, { url: "http://127.0.0.1:9/", regions: ["ams", "iad"] });
    // Both publishers run at the same instant: a later one would rightly publish a newer
    // slot of any website whose grid point fell in between.
    const now = new Date();
    // It enqueues, then dies: what it knew of the schedule dies with it, and Postgres
    // still says the websites are due.
    assert.equal((await publisherFor(bed).runCycle(now)).tasks, 10);
    await bed.redis.del(bed.keys.publisherLease); // its lease runs out
    const successor = publisherFor(bed);
    const lagsBefore = await lagsObserved();
    assert.deepEqual(await successor.runCycle(now), { leader: true, websites: 5, tasks: 0 });
    assert.equal(await bed.redis.xlen(bed.keys.stream("ams")), 5);
    assert.equal(await bed.redis.xlen(bed.keys.stream("iad")), 5);
    // Slots it skipped were not late: they went out before, and were timed then.
    assert.equal(await lagsObserved(), lagsBefore);
    // The next slot is published as usual, each website's lag timed once.
    const later = await successor.runCycle(new Date(now.getTime() + 181_000));
    assert.equal(later.tasks, 10);
    assert.equal(await lagsObserved(), lagsBefore + 5);
  } finally {
    await bed.close();
  }
});

Deno.test("a running worker stops checking a website paused, and sees a maintenance window added, at once", async () => {
  const bed = await pipelineBed();
  const target = startTarget();
  const ams = startWorker(bed, "ams");
  try {
    const [paused, maintained] = await bed.addWebsites(2, { url: target.url, regions: ["ams"] });
    // Checked once each: the worker now knows both as checked, without maintenance.
    assert.equal((await publisherFor(bed).runCycle()).tasks, 2);
    await eventually(() => ams.worker.stats.stored === 2, 10_000, "2 checks stored");
    await bed.pg.sql`update websites set active = false where id = ${paused}`;
    const [{ id: maintenance }] = await bed.pg.sql`
      insert into maintenances (owner_id, title, starts_at, ends_at)
      select owner_id, 'Upgrade', now() - interval '1 minute', now() + interval '1 hour'
      from websites where id = ${maintained} returning id`;
    await bed.pg.sql`
      insert into maintenance_websites (maintenance_id, website_id)
      values (${maintenance}, ${maintained})`;
    // Tasks published before the pause may still arrive, one a second here; what the worker
    // kept of the two must not outlive the NOTIFY of these changes for long.
    let slot = Math.floor(Date.now() / 1000);
    const task = (websiteId: string) => taskFor(websiteId, target.url, slot, slot * 1000 + 60_000);
    const inMaintenance = async () => {
      const [row] = await bed.ch.rows<{ n: string }>(
        sql`SELECT count() AS n FROM checks WHERE maintenance = 1`,
      );
      return Number(row.n) > 0;
    };
    await eventually(
      async () => {
        slot++;
        await bed.redis.xadd(bed.keys.stream("ams"), "*", "t", task(paused));
        await bed.redis.xadd(bed.keys.stream("ams"), "*", "t", task(maintained));
        return ams.worker.stats.dropped > 0 && await inMaintenance();
      },
      5_000,
      "the pause and the window applied",
    );
  } finally {
    await ams.stop();
    await target.close();
    await bed.close();
  }
});
