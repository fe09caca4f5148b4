/**
 * `deno task bench system`: what a user pays for the whole system. Starts the real web,
 * publisher and worker processes (production entry points) against this run's own
 * databases, adds the monitors of each load through the API (tRPC `website.create`),
 * pointing at a local target in a process of its own, warms up, then samples every
 * process's CPU (utime + stime from /proc, the three servers included) and resident
 * memory, the checks per second counted at the target, the delay from each result's slot
 * to its check (ClickHouse `checked_at - scheduled_at`, whole seconds) and Redis memory.
 *
 * In one run: the servers' idle cost, the system's idle cost with 0 monitors, the floor at
 * each load's rate (bare checks from a process of their own), each load of BENCH_LOADS
 * (our processes also as a multiple of the floor), then a saturation run that adds
 * monitors until the delay p99 passes 2 s.
 * Settings (seconds unless named): BENCH_LOADS ("2000x20,20000x60", monitors × interval; "off"),
 * BENCH_WARMUP_SECONDS (30), BENCH_SECONDS (60), BENCH_IDLE_SECONDS (20), BENCH_WORKERS (1),
 * BENCH_SATURATION ("1000-12000+1000x2": checks/s from, to, step, × interval; "off"),
 * BENCH_SATURATION_WARMUP_SECONDS (20), BENCH_SATURATION_SETTLE_SECONDS (120: the longest
 * wait for a backlog to drain before a step is sampled), BENCH_SATURATION_SECONDS (30),
 * BENCH_SATURATION_WORKERS (2: one per core), BENCH_STANDALONE (false; true: web, publisher
 * and the first worker in one process, `deno task standalone`), BENCH_KUMA_DIR (unset; an
 * installed Uptime Kuma, the baseline: it then runs BENCH_KUMA_LOADS, "2000x20", in
 * the same run, with Node from BENCH_KUMA_NODE, "node", and each load it shares with ours
 * prints the ratio). The three servers
 * are private copies started for the run, so their figures are the system's alone;
 * BENCH_SHARED_SERVERS=true uses the configured ones (figures then include other users').
 */
import { migratePostgres } from "../db/postgres/migrate.ts";
import { connectPostgres } from "../db/postgres/client.ts";
import { migrateClickHouse } from "../db/clickhouse/migrations.ts";
import { connectClickHouse } from "../db/clickhouse/client.ts";
import { literal, sql } from "../db/clickhouse/sql.ts";
import { parseConfig } from "../lib/config.ts";
import { buildProject } from "../fresh/mod.ts";
import { PROJECT_ROOT } from "../web/app.ts";
import { connectRedis } from "../lib/redis.ts";
import { startBareChecks, startTargetProcess } from "./support/processes.ts";
import { isOurs, type Sample, sample, serverPids, TARGET } from "./support/proc_usage.ts";
import { type Stack, startStack } from "./support/system_stack.ts";
import { startPrivateServers } from "./support/private_servers.ts";
import { startUptimeKuma } from "./support/uptime_kuma.ts";
import { fitLine } from "./support/growth.ts";

const env = (name: string, fallback: string) => Deno.env.get(name) || fallback;
const seconds = (name: string, fallback: number) => Number(env(name, String(fallback))) * 1000;
/** "2000x20,20000x60" (monitors × interval seconds) → loads; "off" → none. */
function parseLoads(spec: string) {
  return (spec === "off" ? [] : spec.split(",").filter(Boolean)).map((load) => {
    const [monitors, interval] = load.split("x").map(Number);
    return { monitors, interval };
  });
}
const loads = parseLoads(env("BENCH_LOADS", "2000x20,20000x60"));
const warmupMs = seconds("BENCH_WARMUP_SECONDS", 30);
const sampleMs = seconds("BENCH_SECONDS", 60);
const idleMs = seconds("BENCH_IDLE_SECONDS", 20);
const workers = Number(env("BENCH_WORKERS", "1"));
const saturationWorkers = Number(env("BENCH_SATURATION_WORKERS", "2"));
const standalone = env("BENCH_STANDALONE", "false") === "true";
const kumaDir = Deno.env.get("BENCH_KUMA_DIR");
const kumaLoads = kumaDir ? parseLoads(env("BENCH_KUMA_LOADS", "2000x20")) : [];
const saturationSpec = env("BENCH_SATURATION", "1000-12000+1000x2");
const saturation = /^(\d+)-(\d+)\+(\d+)x(\d+)$/.exec(saturationSpec);
const satWarmupMs = seconds("BENCH_SATURATION_WARMUP_SECONDS", 20);
const satSampleMs = seconds("BENCH_SATURATION_SECONDS", 30);
const satSettleMs = seconds("BENCH_SATURATION_SETTLE_SECONDS", 120);
/** The delay p99 (whole seconds) a sustained rate stays under, and the share it must reach. */
const MAX_P99_S = 2;
const MIN_ACHIEVED = 0.95;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const shared = env("BENCH_SHARED_SERVERS", "false") === "true";
const servers = shared ? null : await startPrivateServers();
const base = parseConfig({ ...Deno.env.toObject(), ...servers?.env });
const serverGroups = servers ? servers.pids : serverPids;
const intervals = [...loads.map((l) => l.interval), ...(saturation ? [Number(saturation[4])] : [])];
// As in production (`deno task build` in the image): the web serves bundles built ahead.
await buildProject({ root: PROJECT_ROOT });
const target = await startTargetProcess();
const pg = connectPostgres(base.databaseUrl);
const ch = connectClickHouse(base.clickhouseUrl);
const redis = connectRedis(base.redisUrl, { name: "bench" });

const rows: string[][] = [];
/** Each row is printed as it is measured too: a run cut short still shows its figures. */
const row = (...cells: (string | number)[]) => {
  rows.push(cells.map(String));
  console.log(cells.join(" | "));
};
const pct = (s: Sample, cpuMs: number) => (cpuMs / s.elapsedMs * 100).toFixed(1) + " %";
/** RSS at the end of the span, and its peak in the span (summed for several processes). */
const memory = (f: { rssMb: number; peakMb: number }) =>
  `${f.rssMb.toFixed(0)} (${f.peakMb.toFixed(0)})`;
const machine = (s: Sample) => `machine busy ${(s.machineMs / s.elapsedMs * 100).toFixed(0)} %`;

/**
 * The rows of one sample: each process, then the system's and the servers' totals.
 * `floorMs`: the bare checks' CPU per check at this rate, to compare ours with. Returns
 * the CPU per check of our processes and of everything, and our processes' RSS.
 */
function report(label: string, s: Sample, notes: string, floorMs?: number) {
  const perCheck = (ms: number) => s.counted ? (ms / s.counted).toFixed(3) : "";
  let ours = 0, servers = 0, rss = 0, peak = 0;
  for (const [name, f] of s.figures) {
    if (isOurs(name)) (ours += f.cpuMs, rss += f.rssMb, peak += f.peakMb);
    else if (name !== TARGET) servers += f.cpuMs;
    const note = name === TARGET ? "the monitored site: counted in no total" : "";
    row(label, name, pct(s, f.cpuMs), perCheck(f.cpuMs), memory(f), note);
  }
  const once = s.oursOnceMb === null
    ? ""
    : `${s.oursOnceMb.toFixed(0)} MB together, pages they share (the deno binary) counted once`;
  const overFloor = floorMs && s.counted
    ? `${(ours / s.counted / floorMs).toFixed(1)}× the floor (${floorMs.toFixed(3)} ms); `
    : "";
  row(
    label,
    "web+publisher+workers",
    pct(s, ours),
    perCheck(ours),
    memory({ rssMb: rss, peakMb: peak }),
    overFloor + once,
  );
  row(label, "total", pct(s, ours + servers), perCheck(ours + servers), "", notes);
  return { oursMs: ours / s.counted, totalMs: (ours + servers) / s.counted, rssMb: rss };
}

/** The samples of the same processes at several rates: 0 monitors, then each load. */
const measuredAt: { label: string; rate: number; s: Sample }[] = [];

/**
 * How CPU grows with the check rate (support/growth.ts), from the samples of 0 monitors
 * and each load: for every process, our processes together and everything, what each
 * further check costs, what running costs at 0 checks/s, and how far the samples lie from
 * that line. At the lowest load, the fixed part's share of each check is what keeps a low
 * rate's CPU per check above the rest.
 */
function reportGrowth() {
  const lowest = Math.min(...measuredAt.filter((m) => m.rate > 0).map((m) => m.rate));
  const names = [...(measuredAt[0]?.s.figures.keys() ?? [])].filter((name) => name !== TARGET);
  const lines: [string, (name: string) => boolean][] = [
    ...names.map((name): [string, typeof isOurs] => [name, (n) => n === name]),
    ["web+publisher+workers", isOurs],
    ["total", (n: string) => n !== TARGET],
  ];
  for (const [label, counts] of lines) {
    const fit = fitLine(measuredAt.map(({ rate, s }) => ({
      rate,
      msPerSecond: [...s.figures].filter(([n]) => counts(n))
        .reduce((sum, [, f]) => sum + f.cpuMs, 0) / (s.elapsedMs / 1000),
    })));
    if (!fit) return;
    const within = `samples within ${(fit.furthestMsPerSecond / 10).toFixed(2)} % of a core`;
    row(
      "growth",
      label,
      `${(fit.fixedMsPerSecond / 10).toFixed(1)} %`,
      fit.perCheckMs.toFixed(3),
      "",
      label === "total"
        ? `a line through ${measuredAt.map((m) => m.label).join(", ")}: each further check ` +
          `costs ${fit.perCheckMs.toFixed(3)} ms, running at all ` +
          `${(fit.fixedMsPerSecond / 10).toFixed(1)} % of a core (at ${lowest.toFixed(0)} ` +
          `checks/s ${(fit.fixedMsPerSecond / lowest).toFixed(3)} ms of each check); ${within}`
        : within,
    );
  }
}

/**
 * The floor at `rate` checks a second: the CPU per check of bare checks (bare_checks.ts),
 * the least a check costs on this machine, whatever the code around it: machines here
 * differ by twice in CPU per check, and the floor says what a figure means on this one.
 */
async function floor(rate: number): Promise<number> {
  const bare = await startBareChecks(target.url, rate);
  try {
    await sleep(5_000);
    const s = await sample(
      () => new Map([["bare checks", [bare.pid]]]),
      Math.min(sampleMs, 30_000),
      target.requests,
    );
    const f = s.figures.get("bare checks")!;
    const perCheck = s.counted ? f.cpuMs / s.counted : NaN;
    row(
      `floor ${rate}/s`,
      "bare checks",
      pct(s, f.cpuMs),
      perCheck.toFixed(3),
      memory(f),
      `${(s.counted / (s.elapsedMs / 1000)).toFixed(0)} checks/s: connect, GET, read, close ` +
        "from a bare Deno process; counted in no total",
    );
    return perCheck;
  } finally {
    await bare.stop();
  }
}

/**
 * The delay from slot to check of the checks run in [fromMs, toMs) (whole seconds): a
 * backlog shows as a long delay rather than as slots not yet checked.
 */
async function delay(fromMs: number, toMs: number) {
  const [d] = await ch.rows<{ p50: number; p99: number; n: string }>(
    sql`SELECT quantile(0.5)(checked_at - scheduled_at) AS p50,
            quantile(0.99)(checked_at - scheduled_at) AS p99, count() AS n
     FROM checks WHERE checked_at >= ${literal.dateTime(new Date(fromMs + 999))}
       AND checked_at < ${literal.dateTime(new Date(toMs - 2_000))}`,
  );
  // quantile() interpolates: 94.09000000000015 prints as 94.1.
  const seconds = (value: number | undefined) => Math.round(Number(value ?? NaN) * 10) / 10;
  return { p50: seconds(d?.p50), p99: seconds(d?.p99) };
}

/**
 * Waits, up to `maxMs`, until the checks of the last 10 s ran within MAX_P99_S of their
 * slots. A step's new monitors are each checked once as they are created and then join
 * their grid, so a busy machine starts the step behind; the sample measures the steady
 * state after that backlog, or the backlog itself when it never drains.
 */
async function settled(maxMs: number) {
  const until = Date.now() + maxMs;
  while (Date.now() < until && (await delay(Date.now() - 12_000, Date.now())).p99 >= MAX_P99_S) {
    await sleep(5_000);
  }
}

/** Redis memory: the server's `used_memory` (shared) and the keys of this run's prefix. */
async function redisMemory(prefix: string) {
  const info = await redis.info("memory");
  const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
  let cursor = "0", ours = 0;
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.memory("USAGE", key);
    for (const [, bytes] of (await pipeline.exec()) ?? []) ours += Number(bytes ?? 0);
  } while (cursor !== "0");
  return `Redis ${(ours / 1048576).toFixed(1)} MB of keys (server ${
    (used / 1048576).toFixed(0)
  } MB)`;
}

/** Starts the processes with keys of their own under the run's prefix, and no websites. */
async function stackFor(
  name: string,
  workerCount = workers,
): Promise<{ stack: Stack; prefix: string }> {
  await pg.sql`delete from websites`;
  const prefix = `${base.redisKeyPrefix}${name}:`;
  const stack = await startStack(
    {
      ...servers?.env,
      REDIS_KEY_PREFIX: prefix,
      REGION: "local",
      // Limits of the account, not costs: a user may add this many, this often.
      ...(intervals.length ? { MIN_INTERVAL_SECONDS: String(Math.min(...intervals)) } : {}),
      WEBSITES_PER_USER: "100000",
    },
    workerCount,
    standalone,
  );
  return { stack, prefix };
}

const groups = (stack: Stack) => () =>
  new Map<string, number[]>([
    ...[...stack.pids].map(([name, pid]) => [name, [pid]] as [string, number[]]),
    ...serverGroups(),
    [TARGET, [target.pid]],
  ]);

try {
  await migratePostgres(base.databaseUrl);
  await migrateClickHouse(base.clickhouseUrl, { retentionDays: 90 });
  const idle = await sample(serverGroups, idleMs);
  for (const [name, f] of idle.figures) {
    row("servers idle", name, pct(idle, f.cpuMs), "", memory(f), "");
  }
  row(
    "servers idle",
    "total",
    pct(idle, [...idle.figures.values()].reduce((a, f) => a + f.cpuMs, 0)),
    "",
    "",
    machine(idle),
  );

  {
    const { stack, prefix } = await stackFor("idle");
    try {
      // As long as a load's: a process still settling after its start costs more than
      // it does idle, which would skew the growth line's value at 0 checks/s.
      await sleep(warmupMs);
      const s = await sample(groups(stack), idleMs);
      report("0 monitors", s, `${await redisMemory(prefix)}; ${machine(s)}`);
      measuredAt.push({ label: "0 monitors", rate: 0, s });
    } finally {
      await stack.stop();
    }
  }

  const measured = new Map<string, ReturnType<typeof report>>();
  const floors = new Map<number, number>();
  for (const { monitors, interval } of loads) {
    const rate = Math.round(monitors / interval);
    if (!floors.has(rate)) floors.set(rate, await floor(rate));
  }

  for (const { monitors, interval } of loads) {
    const label = `${monitors}×${interval}s`;
    const { stack, prefix } = await stackFor(`${monitors}x${interval}`);
    try {
      const began = performance.now();
      await stack.createMonitors(monitors, target.url, interval);
      const createdIn = (performance.now() - began) / 1000;
      await sleep(warmupMs);
      const from = Date.now();
      const s = await sample(groups(stack), sampleMs, target.requests);
      const d = await delay(from, Date.now());
      const rate = s.counted / (s.elapsedMs / 1000);
      const figures = report(
        label,
        s,
        `${rate.toFixed(0)} checks/s (offered ${(monitors / interval).toFixed(0)}); ` +
          `delay p50 ${d.p50} s, p99 ${d.p99} s; ${await redisMemory(prefix)}; ` +
          `created in ${createdIn.toFixed(0)} s via API; ${machine(s)}`,
        floors.get(Math.round(monitors / interval)),
      );
      measured.set(label, figures);
      measuredAt.push({ label, rate, s });
    } finally {
      await stack.stop();
    }
  }
  reportGrowth();

  for (const { monitors, interval } of kumaLoads) {
    const label = `${monitors}×${interval}s`;
    const kuma = await startUptimeKuma(kumaDir!, env("BENCH_KUMA_NODE", "node"));
    try {
      const began = performance.now();
      await kuma.createMonitors(monitors, target.url, interval);
      const createdIn = (performance.now() - began) / 1000;
      await sleep(warmupMs);
      const s = await sample(
        () => new Map([["uptime kuma", [kuma.pid]]]),
        sampleMs,
        target.requests,
      );
      const f = s.figures.get("uptime kuma")!;
      const kumaMs = f.cpuMs / s.counted;
      const rate = s.counted / (s.elapsedMs / 1000);
      row(
        `Kuma ${label}`,
        `uptime kuma ${kuma.version}`,
        pct(s, f.cpuMs),
        kumaMs.toFixed(3),
        memory(f),
        `${rate.toFixed(0)} checks/s (offered ${(monitors / interval).toFixed(0)}); one Node ` +
          `process with SQLite; created in ${createdIn.toFixed(0)} s via its socket API; ${
            machine(s)
          }`,
      );
      const ours = measured.get(label);
      if (ours) {
        row(
          `Kuma ${label}`,
          "Uptime Kuma ÷ ours",
          "",
          `${(kumaMs / ours.totalMs).toFixed(1)}×`,
          "",
          `its CPU per check over our total with the servers (${ours.totalMs.toFixed(3)} ms; ` +
            `the issue's target: 20×); over our processes alone ${
              (kumaMs / ours.oursMs).toFixed(1)
            }×; RSS ${f.rssMb.toFixed(0)} MB against our processes' ${ours.rssMb.toFixed(0)} MB`,
        );
      }
    } finally {
      await kuma.stop();
    }
  }

  if (saturation) {
    const [from, to, step, interval] = saturation.slice(1).map(Number);
    const { stack, prefix } = await stackFor("saturation", saturationWorkers);
    let sustained = 0;
    let monitors = 0;
    try {
      for (let offered = from; offered <= to; offered += step) {
        const wanted = offered * interval;
        await stack.createMonitors(wanted - monitors, target.url, interval);
        monitors = wanted;
        await sleep(satWarmupMs);
        await settled(satSettleMs);
        const began = Date.now();
        const s = await sample(groups(stack), satSampleMs, target.requests);
        const d = await delay(began, Date.now());
        const rate = s.counted / (s.elapsedMs / 1000);
        const held = d.p99 < MAX_P99_S && rate >= offered * MIN_ACHIEVED;
        report(
          `sat ${offered}/s`,
          s,
          `${rate.toFixed(0)} checks/s of ${offered}; delay p50 ${d.p50} s, p99 ${d.p99} s` +
            `${held ? "" : " (not sustained)"}; ${await redisMemory(prefix)}; ${machine(s)}`,
        );
        if (!held) break;
        sustained = rate;
      }
    } finally {
      await stack.stop();
    }
    row("saturation", "highest sustained", "", "", "", `${sustained.toFixed(0)} checks/s`);
  }
} finally {
  redis.disconnect();
  await pg.close();
  await ch.close();
  await target.stop();
  await servers?.stop();
}

const header = ["load", "process", "CPU (one core)", "CPU ms/check", "RSS MB (peak)", "notes"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(" | ").trimEnd();
console.log(
  `${standalone ? "standalone (web, publisher and a worker in one process); " : ""}` +
    `workers: ${workers} (saturation ${saturationWorkers}); servers: ${
      shared ? "shared" : "private to this run"
    }; ` +
    "CPU ms per check counted at the target",
);
console.log(line(header));
console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
for (const r of rows) console.log(line(r));
