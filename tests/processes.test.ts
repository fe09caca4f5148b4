import assert from "node:assert/strict";
import { migratePostgres } from "../db/postgres/migrate.ts";
import { migrateClickHouse } from "../db/clickhouse/migrations.ts";
import { newClickHouseUrl, newPostgresUrl } from "./helpers/databases.ts";
import { freePort, spawnProcess } from "./helpers/processes.ts";

const root = new URL("../", import.meta.url).pathname;

async function migratedEnv(): Promise<Record<string, string>> {
  const databaseUrl = newPostgresUrl();
  const clickhouseUrl = newClickHouseUrl();
  await migratePostgres(databaseUrl);
  await migrateClickHouse(clickhouseUrl, { retentionDays: 90 });
  return { DATABASE_URL: databaseUrl, CLICKHOUSE_URL: clickhouseUrl, LOG_LEVEL: "info" };
}

Deno.test("web serves /, /healthz and /readyz, and SIGTERM stops it with status 0", async () => {
  const port = freePort();
  const web = spawnProcess("web/main.ts", { ...(await migratedEnv()), PORT: String(port) });
  assert.equal((await web.waitFor("web.started")).process, "web");
  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { ok: true });
  const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
  assert.equal(ready.status, 200);
  assert.deepEqual(await ready.json(), {
    ready: true,
    failing: [],
    degraded: [],
    postgres: true,
    postgresReplica: null,
    readsFrom: "primary",
    redis: true,
    clickhouse: true,
  });
  const home = await fetch(`http://127.0.0.1:${port}/`);
  assert.equal(home.status, 200);
  assert.match(await home.text(), /Uptime/);
  assert.equal((await web.stop("SIGTERM")).code, 0);
});

for (const name of ["publisher", "worker"]) {
  Deno.test(`${name} starts, says so in one JSON line, and stops on SIGINT`, async () => {
    const child = spawnProcess(`${name}/main.ts`, { ...(await migratedEnv()), REGION: "ams" });
    const started = await child.waitFor(`${name}.started`);
    assert.equal(started.process, name);
    assert.equal(started.region, "ams");
    assert.equal((await child.stop("SIGINT")).code, 0);
  });

  Deno.test(`${name} answers /healthz and /readyz on HEALTH_PORT, and SIGTERM stops it`, async () => {
    const port = freePort();
    const child = spawnProcess(`${name}/main.ts`, {
      ...(await migratedEnv()),
      HEALTH_PORT: String(port),
    });
    await child.waitFor(`${name}.started`);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.deepEqual([health.status, await health.json()], [200, { ok: true }]);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    assert.deepEqual([ready.status, (await ready.json()).ready], [200, true]);
    const other = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(other.status, 404);
    await other.body?.cancel();
    assert.equal((await child.stop("SIGTERM")).code, 0);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`));
  });
}

Deno.test("an invalid DATABASE_URL stops start-up with one line naming it", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "web/main.ts"],
    cwd: root,
    env: { DATABASE_URL: "nonsense" },
  }).output();
  assert.notEqual(output.code, 0);
  const stderr = new TextDecoder().decode(output.stderr).trim();
  assert.equal(stderr.split("\n").length, 1, stderr);
  assert.match(stderr, /DATABASE_URL/);
});

Deno.test("an unreachable Redis is named with its URL, quickly and without a stack", async () => {
  const redisUrl = `redis://127.0.0.1:${freePort()}`;
  const began = Date.now();
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "web/main.ts"],
    cwd: root,
    env: { ...(await migratedEnv()), REDIS_URL: redisUrl, PORT: String(freePort()) },
  }).output();
  assert.ok(Date.now() - began < 15_000);
  assert.notEqual(output.code, 0);
  const text = new TextDecoder().decode(output.stderr) + new TextDecoder().decode(output.stdout);
  assert.match(text, new RegExp(`Redis is not reachable at ${redisUrl}`));
  assert.doesNotMatch(text, /\n\s+at /);
});
