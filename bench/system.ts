/**
 * `deno task bench system`: the whole system's cost per check. Starts the real web,
 * publisher and worker processes against databases of this run's own, adds N websites
 * (straight into Postgres, not through the API) pointing at a local target, warms up, then
 * samples every process's CPU (utime + stime from /proc) and resident memory, the checks
 * per second counted at the target, and the delay from each result's slot to its check
 * (ClickHouse `checked_at - scheduled_at`, whole seconds). The servers' idle cost is
 * sampled first. Bounded: BENCH_LOADS (default "2000x20", websites × interval seconds,
 * comma-separated), BENCH_WARMUP_SECONDS (10), BENCH_SECONDS (30), BENCH_IDLE_SECONDS (5).
 * The three servers' figures include whatever else the machine runs against them.
 */
import { migratePostgres } from "../db/postgres/migrate.ts";
import { connectPostgres } from "../db/postgres/client.ts";
import { migrateClickHouse } from "../db/clickhouse/migrations.ts";
import { connectClickHouse } from "../db/clickhouse/client.ts";
import { getConfig } from "../lib/config.ts";
import { literal, sql } from "../db/clickhouse/sql.ts";

const env = (name: string, fallback: string) => Deno.env.get(name) || fallback;
const loads = env("BENCH_LOADS", "2000x20").split(",").map((load) => {
  const [websites, interval] = load.split("x").map(Number);
  return { websites, interval };
});
const warmupMs = Number(env("BENCH_WARMUP_SECONDS", "10")) * 1000;
const sampleMs = Number(env("BENCH_SECONDS", "30")) * 1000;
const idleMs = Number(env("BENCH_IDLE_SECONDS", "5")) * 1000;
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** utime + stime in ms and RSS in MB of a process. */
function usage(pid: number): { cpuMs: number; rssMb: number } {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cpuMs = (Number(fields[11]) + Number(fields[12])) * 1000 / TICKS_PER_SECOND;
    const rss = /VmRSS:\s+(\d+)/.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
    return { cpuMs, rssMb: rss ? Number(rss[1]) / 1024 : 0 };
  } catch {
    return { cpuMs: 0, rssMb: 0 }; // gone meanwhile
  }
}

/** The pids of the three servers, by process name. */
function serverPids(): Map<string, number[]> {
  const names: [string, RegExp][] = [
    ["redis", /^redis-server/],
    ["clickhouse", /^clickhouse/],
    ["postgres", /^postgres/],
  ];
  const pids = new Map<string, number[]>(names.map(([name]) => [name, []]));
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    let comm = "";
    try {
      comm = Deno.readTextFileSync(`/proc/${entry.name}/comm`).trim();
    } catch {
      continue;
    }
    for (const [name, pattern] of names) {
      if (pattern.test(comm)) pids.get(name)!.push(Number(entry.name));
    }
  }
  return pids;
}

/**
 * CPU % of one core and RSS of each group of processes over `ms`. Groups are looked up at
 * both ends: a server process that started meanwhile (a Postgres backend) counts in full,
 * one that ended counts nothing, so no figure is ever negative.
 */
async function measure(
  groups: () => Map<string, number[]>,
  ms: number,
  during?: () => number,
) {
  const before = new Map<number, number>();
  for (const pids of groups().values()) for (const pid of pids) before.set(pid, usage(pid).cpuMs);
  const count = during?.() ?? 0;
  const began = performance.now();
  await sleep(ms);
  const elapsed = performance.now() - began;
  const counted = (during?.() ?? 0) - count;
  const figures = new Map<string, { cpuMs: number; rssMb: number }>();
  for (const [name, pids] of groups()) {
    let cpuMs = 0;
    let rssMb = 0;
    for (const pid of pids) {
      const now = usage(pid);
      cpuMs += Math.max(0, now.cpuMs - (before.get(pid) ?? 0));
      rssMb += now.rssMb;
    }
    figures.set(name, { cpuMs, rssMb });
  }
  return { figures, elapsed, counted };
}

let requests = 0;
const target = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
  requests++;
  return new Response("ok");
});
const targetUrl = `http://127.0.0.1:${target.addr.port}/`;

const idle = await measure(serverPids, idleMs);
const rows: string[][] = [];
const row = (...cells: (string | number)[]) => rows.push(cells.map(String));
for (const [name, f] of idle.figures) {
  row("idle", name, (f.cpuMs / idle.elapsed * 100).toFixed(2) + " %", f.rssMb.toFixed(0), "", "");
}

const base = getConfig();
await migratePostgres(base.databaseUrl);
await migrateClickHouse(base.clickhouseUrl, { retentionDays: 90 });
const pg = connectPostgres(base.databaseUrl);
const ch = connectClickHouse(base.clickhouseUrl);
const [owner] = await pg.sql`
  insert into users (email, password_hash) values ('bench@example.com', 'x') returning id`;
for (const { websites, interval } of loads) {
  const suffix = `${websites}x${interval}`;
  await pg.sql`delete from websites`;
  for (let i = 0; i < websites; i += 5_000) {
    const batch = Array.from({ length: Math.min(5_000, websites - i) }, () => ({
      owner_id: owner.id,
      url: targetUrl,
      regions: ["local"],
      interval_seconds: interval,
    }));
    await pg.sql`insert into websites ${pg.sql(batch)}`;
  }
  const processEnv = {
    ...Deno.env.toObject(),
    // Keys of this load of their own, under the run's prefix (removed with the run).
    REDIS_KEY_PREFIX: `${base.redisKeyPrefix}${suffix}:`,
    REGION: "local",
    PORT: "0",
    MIN_INTERVAL_SECONDS: "10",
  };
  const children = new Map(
    (["web", "publisher", "worker"] as const).map((name) => [
      name,
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", `${name}/main.ts`],
        env: processEnv,
        stdout: "null",
        stderr: "inherit",
      }).spawn(),
    ]),
  );
  try {
    await sleep(warmupMs);
    const groups = () =>
      new Map<string, number[]>([
        ...[...children].map(([name, child]) => [name, [child.pid]] as [string, number[]]),
        ...serverPids(),
      ]);
    const startedAt = Math.floor(Date.now() / 1000);
    const load = await measure(groups, sampleMs, () => requests);
    const endedAt = Math.floor(Date.now() / 1000);
    const [delay] = await ch.rows<{ p50: number; p99: number }>(
      sql`SELECT quantile(0.5)(checked_at - scheduled_at) AS p50,
              quantile(0.99)(checked_at - scheduled_at) AS p99
       FROM checks WHERE scheduled_at >= ${literal.dateTime(new Date(startedAt * 1000))}
         AND scheduled_at < ${literal.dateTime(new Date(endedAt * 1000))}`,
    );
    const rate = load.counted / (load.elapsed / 1000);
    const label = `${websites}×${interval}s`;
    let cpuTotal = 0;
    for (const [name, f] of load.figures) {
      const perCheck = f.cpuMs / load.counted;
      cpuTotal += perCheck;
      row(
        label,
        name,
        (f.cpuMs / load.elapsed * 100).toFixed(2) + " %",
        f.rssMb.toFixed(0),
        perCheck.toFixed(3),
        "",
      );
    }
    row(
      label,
      "total",
      "",
      "",
      cpuTotal.toFixed(3),
      `${rate.toFixed(1)} checks/s; delay p50 ${delay?.p50 ?? "?"} s, p99 ${delay?.p99 ?? "?"} s`,
    );
  } finally {
    for (const child of children.values()) {
      try {
        child.kill("SIGTERM");
      } catch {
        // exited already (its error is on stderr)
      }
    }
    await Promise.all([...children.values()].map((child) => child.status));
  }
}
await pg.close();
await ch.close();
await target.shutdown();

const header = ["load", "process", "CPU (one core)", "RSS MB", "CPU ms/check", "notes"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(" | ");
console.log(line(header));
console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
for (const r of rows) console.log(line(r));
