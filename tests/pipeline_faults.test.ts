/**
 * The pipeline under faults, with publisher and workers as real processes: killed
 * workers, a restarted Redis, a ClickHouse that goes away, two publishers.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { ensureLocalServices } from "../scripts/local_services.ts";
import { migrateClickHouse } from "../db/clickhouse/migrations.ts";
import { connectClickHouse } from "../db/clickhouse/client.ts";
import { connectPostgres } from "../db/postgres/client.ts";
import { eventually, pipelineBed, startTarget } from "./helpers/pipeline.ts";
import { freePort, spawnProcess } from "./helpers/processes.ts";
import { testConfig } from "./helpers/databases.ts";
import { sql } from "../db/clickhouse/sql.ts";

const slowTarget = (ms: number) =>
  startTarget(() => new Promise((resolve) => setTimeout(() => resolve(new Response("ok")), ms)));

async function pendingCount(redis: Redis, stream: string, group: string): Promise<number> {
  try {
    return Number((await redis.xpending(stream, group) as [number])[0]);
  } catch {
    return 0; // no group yet
  }
}

Deno.test("a worker killed mid-batch: another takes its tasks over, each counted once", async () => {
  const bed = await pipelineBed();
  const target = slowTarget(1_500);
  // The default RECLAIM_IDLE_MS (5 min): the takeover comes from the dead worker's silence.
  const env = { ...bed.env, REGION: "ams", PUBLISHER_TICK_MS: "200" };
  const publisher = spawnProcess("publisher/main.ts", env);
  const doomed = spawnProcess("worker/main.ts", env);
  let survivor;
  try {
    await doomed.waitFor("worker.started");
    await bed.addWebsites(30, { url: target.url, regions: ["ams"], intervalSeconds: 3_600 });
    const stream = bed.keys.stream("ams");
    await eventually(
      async () => await pendingCount(bed.redis, stream, bed.keys.consumerGroup) === 30,
      10_000,
      "the first worker to hold all 30 tasks",
    );
    assert.equal((await doomed.stop("SIGKILL")).signal, "SIGKILL");
    survivor = spawnProcess("worker/main.ts", env);
    // Liveness expiry (10 s) plus the next sweep (5 s), then the checks: a minute on a busy machine.
    // At least 30: the publisher may meanwhile publish a website's next slot (its offset).
    await eventually(async () => (await bed.resultCounts()).checks >= 30, 60_000, "30 checks");
    await eventually(
      async () => await pendingCount(bed.redis, stream, bed.keys.consumerGroup) === 0,
      10_000,
      "every task acknowledged",
    );
    const { rows, checks } = await bed.resultCounts();
    assert.equal(rows, checks, "each check stored once");
    assert.equal((await survivor.stop()).code, 0);
  } finally {
    await survivor?.stop();
    await doomed.stop("SIGKILL");
    await publisher.stop();
    await target.close();
    await bed.close();
  }
});

Deno.test("SIGTERM: the worker finishes running checks, stores, acknowledges, exits 0", async () => {
  const bed = await pipelineBed();
  const target = slowTarget(2_000);
  const env = { ...bed.env, REGION: "ams", PUBLISHER_TICK_MS: "200" };
  const publisher = spawnProcess("publisher/main.ts", env);
  const worker = spawnProcess("worker/main.ts", env);
  try {
    await worker.waitFor("worker.started");
    await bed.addWebsites(20, { url: target.url, regions: ["ams"], intervalSeconds: 3_600 });
    // At least: a website's next slot (its offset in the hour) may come due meanwhile.
    await eventually(() => target.requests >= 20, 10_000, "20 checks in flight");
    const began = Date.now();
    const status = await worker.stop("SIGTERM");
    assert.equal(status.code, 0);
    assert.ok(Date.now() - began < 15_000, "stopped within 15 s");
    const { rows, checks } = await bed.resultCounts();
    assert.ok(rows >= 20 && rows === checks, `${rows} rows for ${checks} checks, at least 20`);
    const stream = bed.keys.stream("ams");
    assert.equal(await pendingCount(bed.redis, stream, bed.keys.consumerGroup), 0);
  } finally {
    await worker.stop();
    await publisher.stop();
    await target.close();
    await bed.close();
  }
});

Deno.test("Redis restarted mid-run: publisher and worker carry on by themselves", async () => {
  const bed = await pipelineBed();
  const target = startTarget();
  const port = freePort();
  const dataDir = `${await Deno.makeTempDir()}/`;
  const urls = { ...testConfig(), redisUrl: `redis://127.0.0.1:${port}` };
  let redisServer = await ensureLocalServices(urls, { only: ["Redis"], dataDir });
  const env = {
    ...bed.env,
    REDIS_URL: urls.redisUrl,
    REGION: "ams",
    PUBLISHER_TICK_MS: "200",
    PUBLISHER_LEASE_MS: "1000",
  };
  const publisher = spawnProcess("publisher/main.ts", env);
  const worker = spawnProcess("worker/main.ts", env);
  try {
    await worker.waitFor("worker.started");
    await publisher.waitFor("publisher.started");
    // Daily, so none comes due again during the outage and spoils the exact counts.
    const daily = { url: target.url, regions: ["ams"], intervalSeconds: 86_400 };
    await bed.addWebsites(5, daily);
    await eventually(async () => (await bed.resultCounts()).checks === 5, 15_000, "5 checks");
    await redisServer.stop();
    redisServer = await ensureLocalServices(urls, { only: ["Redis"], dataDir });
    await bed.addWebsites(5, daily);
    await eventually(async () => (await bed.resultCounts()).checks === 10, 30_000, "10 checks");
    // Neither process restarted.
    assert.equal(worker.lines.filter((l) => l.event === "worker.started").length, 1);
    assert.equal(publisher.lines.filter((l) => l.event === "publisher.started").length, 1);
    assert.equal((await worker.stop()).code, 0);
    assert.equal((await publisher.stop()).code, 0);
  } finally {
    await worker.stop();
    await publisher.stop();
    await redisServer.stop();
    await Deno.remove(dataDir, { recursive: true });
    await target.close();
    await bed.close();
  }
});

Deno.test("ClickHouse stopped for 30 s mid-run: afterwards every result is there", async () => {
  const bed = await pipelineBed();
  const target = startTarget();
  const dataDir = `${await Deno.makeTempDir()}/`;
  const clickhouseUrl = `http://127.0.0.1:${freePort()}/outage`;
  const urls = { ...testConfig(), clickhouseUrl };
  let clickhouse = await ensureLocalServices(urls, { only: ["ClickHouse"], dataDir });
  await migrateClickHouse(clickhouseUrl, { retentionDays: 90 });
  const env = {
    ...bed.env,
    CLICKHOUSE_URL: clickhouseUrl,
    REGION: "ams",
    PUBLISHER_TICK_MS: "200",
  };
  const publisher = spawnProcess("publisher/main.ts", env);
  const worker = spawnProcess("worker/main.ts", env);
  const ch = connectClickHouse(clickhouseUrl);
  const counts = async () => {
    const [row] = await ch.rows<{ rows: string; checks: string }>(
      sql`SELECT count() AS rows, uniqExact(website_id, scheduled_at) AS checks FROM checks`,
    );
    return { rows: Number(row.rows), checks: Number(row.checks) };
  };
  const stored = async () => (await counts()).rows;
  try {
    await worker.waitFor("worker.started");
    await bed.addWebsites(5, { url: target.url, regions: ["ams"], intervalSeconds: 3_600 });
    // At least: a website's next slot (its offset in the hour) may come due meanwhile.
    await eventually(async () => await stored() >= 5, 15_000, "5 results before the outage");
    await clickhouse.stop();
    await bed.addWebsites(10, { url: target.url, regions: ["ams"], intervalSeconds: 3_600 });
    await eventually(() => target.requests >= 15, 15_000, "checks run during the outage");
    await worker.waitFor("worker.store_failed");
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    clickhouse = await ensureLocalServices(urls, { only: ["ClickHouse"], dataDir });
    await eventually(async () => await stored() >= 15, 60_000, "all 15 results after the outage");
    const stream = bed.keys.stream("ams");
    await eventually(
      async () => await pendingCount(bed.redis, stream, bed.keys.consumerGroup) === 0,
      10_000,
      "every task acknowledged",
    );
    const { rows, checks } = await counts();
    assert.equal(rows, checks, "each check stored once");
    assert.equal((await worker.stop()).code, 0);
  } finally {
    await worker.stop();
    await publisher.stop();
    await ch.close();
    await clickhouse.stop();
    await Deno.remove(dataDir, { recursive: true });
    await target.close();
    await bed.close();
  }
});

Deno.test("two publishers: one publishes; when it dies the other takes over, no slot twice", async () => {
  const bed = await pipelineBed();
  const env = { ...bed.env, PUBLISHER_TICK_MS: "100", PUBLISHER_LEASE_MS: "1000" };
  const first = spawnProcess("publisher/main.ts", env);
  const second = spawnProcess("publisher/main.ts", env);
  try {
    const ids = new Map<string, typeof first>();
    for (const publisher of [first, second]) {
      ids.set((await publisher.waitFor("publisher.started")).lease as string, publisher);
    }
    // Every second a new slot for each website: leader changes must not repeat one.
    await bed.addWebsites(20, { url: "http://127.0.0.1:9/", regions: ["ams"], intervalSeconds: 1 });
    const stream = bed.keys.stream("ams");
    await eventually(async () => await bed.redis.xlen(stream) >= 40, 10_000, "two slots");
    const leaderId = await bed.redis.get(bed.keys.publisherLease);
    const leader = ids.get(leaderId!)!;
    const standby = leader === first ? second : first;
    assert.equal(standby.lines.filter((l) => l.event === "publisher.leader_acquired").length, 0);
    await leader.stop("SIGKILL");
    const killedAt = Date.now();
    await eventually(
      async () =>
        (await bed.redis.get(bed.keys.publisherLease)) !== leaderId &&
        (await bed.redis.get(bed.keys.publisherLease)) !== null,
      5_000,
      "the standby to take the lease",
    );
    assert.ok(Date.now() - killedAt <= 2_000 + 300, "takeover within two lease periods");
    const before = await bed.redis.xlen(stream);
    await eventually(async () => await bed.redis.xlen(stream) >= before + 40, 10_000, "new slots");
    const entries = await bed.redis.xrange(stream, "-", "+");
    const slots = entries.map(([, fields]) => {
      const task = JSON.parse(fields[1]);
      return `${task.websiteId}@${task.scheduledAt}`;
    });
    assert.equal(new Set(slots).size, slots.length, "a slot was published twice");
  } finally {
    await first.stop();
    await second.stop();
    await bed.close();
  }
});

Deno.test("Postgres away: the publisher says so once, keeps running and recovers", async () => {
  const port = freePort();
  const dataDir = `${await Deno.makeTempDir()}/`;
  // As root, the server runs as `postgres`, which must be able to enter the folder.
  await Deno.chmod(dataDir, 0o755);
  const databaseUrl = `postgres://postgres@127.0.0.1:${port}/outage`;
  const urls = { ...testConfig(), databaseUrl };
  let postgres = await ensureLocalServices(urls, { only: ["Postgres"], dataDir });
  const bed = await pipelineBed({ databaseUrl });
  const env = { ...bed.env, PUBLISHER_TICK_MS: "200" };
  const publisher = spawnProcess("publisher/main.ts", env);
  try {
    await publisher.waitFor("publisher.started");
    // Daily, so none comes due again during the outage and spoils the exact counts.
    await bed.addWebsites(3, {
      url: "http://127.0.0.1:9/",
      regions: ["ams"],
      intervalSeconds: 86_400,
    });
    const stream = bed.keys.stream("ams");
    await eventually(async () => await bed.redis.xlen(stream) === 3, 10_000, "3 tasks");
    await bed.pg.close();
    await postgres.stop();
    await publisher.waitFor("publisher.cycle_failed");
    // Many ticks fail while it is away; the log says so once.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    assert.equal(publisher.lines.filter((l) => l.event === "publisher.cycle_failed").length, 1);
    postgres = await ensureLocalServices(urls, { only: ["Postgres"], dataDir });
    await publisher.waitFor("publisher.recovered");
    const pg = connectPostgres(databaseUrl);
    try {
      const [owner] = await pg.sql`select id from users limit 1`;
      await pg.sql`insert into websites (owner_id, url, regions, interval_seconds)
        values (${owner.id}, 'http://127.0.0.1:9/', ${["ams"]}, 86400)`;
      await eventually(async () => await bed.redis.xlen(stream) === 4, 10_000, "a 4th task");
    } finally {
      await pg.close();
    }
    assert.equal((await publisher.stop()).code, 0);
  } finally {
    await publisher.stop();
    await bed.close().catch(() => {});
    await postgres.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
