/**
 * fly.toml against the code it deploys: every process runs its deno task's command (without
 * the `deno task` wrapper), the release command is a task that exists, every check and
 * metrics path is served by the process it checks (started for real), every process group
 * has a VM size, and the release command runs twice in a row against real databases.
 */
import assert from "node:assert/strict";
import { parse } from "smol-toml";
import postgres from "postgres";
import { connectClickHouse } from "../db/clickhouse/client.ts";
import { newClickHouseUrl, newPostgresUrl } from "./helpers/databases.ts";
import { pipelineBed } from "./helpers/pipeline.ts";
import { freePort, spawnProcess } from "./helpers/processes.ts";
import { sql } from "../db/clickhouse/sql.ts";

const root = new URL("../", import.meta.url).pathname;
// deno-lint-ignore no-explicit-any
const fly = parse(await Deno.readTextFile(`${root}fly.toml`)) as any;
const tasks = JSON.parse(await Deno.readTextFile(`${root}deno.json`)).tasks as Record<
  string,
  string
>;
const ENTRIES: Record<string, string> = {
  web: "web/main.ts",
  publisher: "publisher/main.ts",
  worker: "worker/main.ts",
};
/** deno.json's task for each group, whose command fly.toml runs directly. */
const TASKS: Record<string, string> = { web: "start", publisher: "publisher", worker: "worker" };
const groups = Object.keys(fly.processes);

/** The task a `deno task <name>` command runs, or a failure naming the command. */
function taskOf(command: string): string {
  const match = /^deno task ([\w:-]+)$/.exec(command);
  assert.ok(match, `"${command}" is not a deno task`);
  assert.ok(match[1] in tasks, `deno.json has no task "${match[1]}" (from "${command}")`);
  return match[1];
}

/** Every path Fly calls on a process group, with the port it calls it on. */
function probesOf(group: string): { port: number; path: string }[] {
  const probes: { port: number; path: string }[] = [];
  const service = fly.http_service;
  if (service?.processes?.includes(group)) {
    for (const check of service.checks ?? []) {
      probes.push({ port: service.internal_port, path: check.path });
    }
  }
  for (const check of Object.values(fly.checks ?? {}) as Record<string, unknown>[]) {
    if ((check.processes as string[]).includes(group)) {
      probes.push({ port: check.port as number, path: check.path as string });
    }
  }
  for (const metrics of fly.metrics ?? []) {
    if (metrics.processes.includes(group)) probes.push({ port: metrics.port, path: metrics.path });
  }
  return probes;
}

Deno.test("the web, publisher and worker groups run their deno task's command directly", () => {
  assert.deepEqual(groups.sort(), ["publisher", "web", "worker"]);
  for (const [group, command] of Object.entries(fly.processes)) {
    assert.equal(command, tasks[TASKS[group]], `${group}: the "${TASKS[group]}" task's command`);
    assert.match(command as string, new RegExp(ENTRIES[group].replace(".", "\\.")), group);
  }
  assert.equal(taskOf(fly.deploy.release_command), "db:migrate");
});

Deno.test("every group has a VM size; web has the memory password hashing needs", () => {
  const megabytes = (size: string) => {
    const [, n, unit] = /^(\d+)(mb|gb)$/i.exec(size) ?? [];
    return Number(n) * (unit?.toLowerCase() === "gb" ? 1024 : 1);
  };
  const vmOf = (group: string) => {
    const vms = fly.vm.filter((vm: { processes?: string[] }) => vm.processes?.includes(group));
    assert.equal(vms.length, 1, `one [[vm]] for ${group}`);
    return vms[0];
  };
  // Two scrypt checks at once at 128 MiB each, with the rest of the process.
  assert.ok(megabytes(vmOf("web").memory) >= 1024);
  for (const group of ["publisher", "worker"]) {
    assert.ok(megabytes(vmOf(group).memory) < megabytes(vmOf("web").memory), group);
  }
});

Deno.test("web has concurrency limits; the worker's drain fits in kill_timeout", () => {
  const { soft_limit, hard_limit } = fly.http_service.concurrency;
  assert.ok(soft_limit > 0 && hard_limit >= soft_limit);
  assert.equal(fly.kill_signal, "SIGTERM");
  // The worker drains within 12 s (worker/worker.ts, shutdownMs).
  assert.ok(fly.kill_timeout >= 15);
});

Deno.test("every group is checked on /readyz, on HEALTH_PORT when it has no service", () => {
  for (const group of groups) {
    const probes = probesOf(group);
    assert.ok(probes.some((p) => p.path === "/readyz"), `${group} has a /readyz check`);
    const expectedPort = group === "web" ? Number(fly.env.PORT) : Number(fly.env.HEALTH_PORT);
    for (const probe of probes) assert.equal(probe.port, expectedPort, `${group} ${probe.path}`);
  }
});

Deno.test("every path Fly checks or scrapes is served by the process it checks", async () => {
  const bed = await pipelineBed();
  const started = groups.map((group) => {
    // Fly's ports, moved to free ones: the process must serve them on the port it is told.
    const port = freePort();
    const portVariable = group === "web" ? "PORT" : "HEALTH_PORT";
    const child = spawnProcess(ENTRIES[group], { ...bed.env, [portVariable]: String(port) });
    return { group, port, child };
  });
  try {
    for (const { group, port, child } of started) {
      await child.waitFor(`${group}.started`, 60_000);
      for (const probe of probesOf(group)) {
        const response = await fetch(`http://127.0.0.1:${port}${probe.path}`);
        await response.body?.cancel();
        assert.equal(response.status, 200, `${group} ${probe.path}`);
      }
    }
  } finally {
    await Promise.all(started.map(({ child }) => child.stop()));
    await bed.close();
  }
});

Deno.test("the release command runs twice in a row against real databases", async () => {
  const databaseUrl = newPostgresUrl();
  const clickhouseUrl = newClickHouseUrl();
  const [, ...args] = (fly.deploy.release_command as string).split(" ");
  const release = async () => {
    const output = await new Deno.Command(Deno.execPath(), {
      args,
      cwd: root,
      env: { DATABASE_URL: databaseUrl, CLICKHOUSE_URL: clickhouseUrl, LOG_LEVEL: "info" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, text);
    return text;
  };
  const ledgers = async () => {
    const pgSql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    const ch = connectClickHouse(clickhouseUrl);
    try {
      const [pg] = await pgSql`select count(*)::int as n from drizzle.__drizzle_migrations`;
      const [chRow] = await ch.rows<{ n: string }>(sql`SELECT count() AS n FROM schema_migrations`);
      return { postgres: pg.n as number, clickhouse: Number(chRow.n) };
    } finally {
      await pgSql.end();
      await ch.close();
    }
  };
  await release();
  const first = await ledgers();
  assert.ok(first.postgres > 0 && first.clickhouse > 0);
  const second = await release();
  assert.match(second, /"event":"migrations\.applied","clickhouse":\[\]/, "nothing applied again");
  assert.deepEqual(await ledgers(), first);
});
