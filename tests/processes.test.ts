import assert from "node:assert/strict";
import { migratePostgres } from "../db/postgres/migrate.ts";
import { migrateClickHouse } from "../db/clickhouse/migrations.ts";
import { newClickHouseUrl, newPostgresUrl } from "./helpers/databases.ts";

const root = new URL("../", import.meta.url).pathname;

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

function start(entry: string, env: Record<string, string>) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", entry],
    cwd: root,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function readLines(stream: ReadableStream<Uint8Array>, until: (line: string) => boolean) {
  const lines: string[] = [];
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    const parts = buffer.split("\n");
    buffer = parts.pop()!;
    lines.push(...parts);
    if (parts.some(until)) break;
  }
  reader.releaseLock();
  return lines;
}

async function migratedEnv(): Promise<Record<string, string>> {
  const databaseUrl = newPostgresUrl();
  const clickhouseUrl = newClickHouseUrl();
  await migratePostgres(databaseUrl);
  await migrateClickHouse(clickhouseUrl, { retentionDays: 90 });
  return { DATABASE_URL: databaseUrl, CLICKHOUSE_URL: clickhouseUrl, LOG_LEVEL: "info" };
}

Deno.test("web serves / and /healthz, and SIGTERM stops it with status 0", async () => {
  const port = freePort();
  const web = start("web/main.ts", { ...(await migratedEnv()), PORT: String(port) });
  const lines = await readLines(web.stdout, (line) => line.includes('"web.started"'));
  assert.ok(lines.some((l) => JSON.parse(l).process === "web"), lines.join("\n"));
  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), {
    ok: true,
    postgres: true,
    redis: true,
    clickhouse: true,
  });
  const home = await fetch(`http://127.0.0.1:${port}/`);
  assert.equal(home.status, 200);
  assert.match(await home.text(), /Uptime/);
  web.kill("SIGTERM");
  const status = await web.status;
  assert.equal(status.code, 0);
  await web.stderr.cancel();
  await web.stdout.cancel().catch(() => {});
});

for (const name of ["publisher", "worker"]) {
  Deno.test(`${name} starts, says so in one JSON line, and stops on SIGINT`, async () => {
    const child = start(`${name}/main.ts`, { ...(await migratedEnv()), REGION: "ams" });
    const lines = await readLines(child.stdout, (line) => line.includes(`"${name}.started"`));
    const started = JSON.parse(lines.find((l) => l.includes(`${name}.started`))!);
    assert.equal(started.process, name);
    assert.equal(started.region, "ams");
    child.kill("SIGINT");
    assert.equal((await child.status).code, 0);
    await child.stderr.cancel();
    await child.stdout.cancel().catch(() => {});
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
