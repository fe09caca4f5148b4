/**
 * `deno task bench worker-overload`: one worker offered more checks than it can run. Starts
 * the real publisher and worker processes (WORKER_CONCURRENCY, default 1000) against a
 * target in a process of its own that answers 200 at once, with BENCH_WEBSITES (20,000)
 * websites every BENCH_INTERVAL (4) seconds, for BENCH_SECONDS (60). Prints the offered and
 * achieved rates, the checks stored, every down among them (all false: the target never
 * fails) and the checks the worker handed back because its own delay made them
 * inconclusive. The baseline is the figure the issue measured: 693 and 798 false downs.
 */
import { migratePostgres } from "../db/postgres/migrate.ts";
import { connectPostgres } from "../db/postgres/client.ts";
import { migrateClickHouse } from "../db/clickhouse/migrations.ts";
import { connectClickHouse } from "../db/clickhouse/client.ts";
import { sql } from "../db/clickhouse/sql.ts";
import { getConfig } from "../lib/config.ts";
import { startTargetProcess } from "./support/processes.ts";

const env = (name: string, fallback: string) => Deno.env.get(name) || fallback;
const websites = Number(env("BENCH_WEBSITES", "20000"));
const interval = Number(env("BENCH_INTERVAL", "4"));
const seconds = Number(env("BENCH_SECONDS", "60"));
const concurrency = env("WORKER_CONCURRENCY", "1000");
const BASELINE_FALSE_DOWNS = 693;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const target = await startTargetProcess();
const base = getConfig();
await migratePostgres(base.databaseUrl);
await migrateClickHouse(base.clickhouseUrl, { retentionDays: 90 });
const pg = connectPostgres(base.databaseUrl);
const ch = connectClickHouse(base.clickhouseUrl);
const [owner] = await pg.sql`
  insert into users (email, password_hash) values ('bench@example.com', 'x') returning id`;
for (let i = 0; i < websites; i += 5_000) {
  const batch = Array.from({ length: Math.min(5_000, websites - i) }, () => ({
    owner_id: owner.id,
    url: target.url,
    regions: ["local"],
    interval_seconds: interval,
  }));
  await pg.sql`insert into websites ${pg.sql(batch)}`;
}

const healthPort = 20_000 + Math.floor(Math.random() * 20_000);
const processEnv = {
  ...Deno.env.toObject(),
  REGION: "local",
  MIN_INTERVAL_SECONDS: "2",
  WORKER_CONCURRENCY: concurrency,
};
const spawn = (name: string, extra: Record<string, string> = {}) =>
  new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${name}/main.ts`],
    env: { ...processEnv, ...extra },
    stdout: Deno.env.get("BENCH_VERBOSE") ? "inherit" : "null",
    stderr: "inherit",
  }).spawn();
const publisher = spawn("publisher");
const worker = spawn("worker", { HEALTH_PORT: String(healthPort) });
const startedAt = Math.floor(Date.now() / 1000);
let metricsText = "";
try {
  await sleep(seconds * 1000);
  metricsText = await fetch(`http://127.0.0.1:${healthPort}/metrics`, {
    signal: AbortSignal.timeout(10_000),
  }).then((r) => r.text()).catch(() => "");
} finally {
  for (const child of [publisher, worker]) {
    try {
      child.kill("SIGTERM");
    } catch {
      // exited already (its error is on stderr)
    }
    await child.status;
  }
}
const endedAt = Math.floor(Date.now() / 1000);
const rows = await ch.rows<{ kind: string; outcome: string; n: string }>(
  sql`SELECT outcome, error_kind AS kind, count() AS n FROM checks FINAL
   GROUP BY outcome, error_kind ORDER BY n DESC`,
);
await pg.close();
await ch.close();
await target.stop();

const stored = rows.reduce((sum, r) => sum + Number(r.n), 0);
const downs = rows.filter((r) => r.outcome === "down");
const falseDowns = downs.reduce((sum, r) => sum + Number(r.n), 0);
const metric = (name: string) =>
  [...metricsText.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "gm"))]
    .reduce((sum, m) => sum + Number(m[1]), 0);
console.log(`offered            ${(websites / interval).toFixed(0)} checks/s`);
console.log(`achieved           ${(stored / (endedAt - startedAt)).toFixed(0)} checks/s stored`);
console.log(`stored             ${stored}`);
console.log(
  `false downs        ${falseDowns} (${
    downs.map((r) => `${r.kind}: ${r.n}`).join(", ") || "none"
  }); baseline ${BASELINE_FALSE_DOWNS}`,
);
console.log(`handed back        ${metric("uptime_worker_checks_rerun_total")} (own delay)`);
console.log(`check limit at end ${metric("uptime_worker_check_limit")}`);
