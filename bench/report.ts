/**
 * `deno task bench report`: one account with 2,000 monitors in two regions and 90 days of
 * checks every 20 minutes (26 M rows, rolled up by the hour as the leader does), then
 * `report.availability` over the last 7, 30 and 90 days, then the Reports page and its
 * CSV for the last 30: each the median of 5 answers after one to warm up. The baseline,
 * measured in the same run on the same data, is the monitors page (`/app`), the page a
 * person opens most; the target is a 30-day report within 1 s.
 *
 *   deno task bench report
 *   BENCH_MONITORS=500 BENCH_DAYS=30 deno task bench report
 */
import { setLogContext } from "../lib/logger.ts";
import { apiServer } from "../tests/helpers/api.ts";
import { literal, sql } from "../db/clickhouse/sql.ts";
import { rollUpHours } from "../db/clickhouse/rollup.ts";
import { refreshUptime24h } from "../services/uptime/uptime_24h.ts";

setLogContext({ process: "bench" }, "warn");
const MONITORS = Number(Deno.env.get("BENCH_MONITORS") ?? 2_000);
const DAYS = Number(Deno.env.get("BENCH_DAYS") ?? 90);
const LOADS = 5;
const TARGET_MS = 1_000;
const DAY = 86_400;

const server = await apiServer({
  REGIONS: "ams,iad",
  WEBSITES_PER_USER: String(MONITORS + 10),
});
try {
  const { api, user, fetch: signedIn } = await server.user("bench");
  const seeded = await seed(user.id);
  console.log(
    `${MONITORS.toLocaleString("en")} monitors, ${
      seeded.checks.toLocaleString("en")
    } checks over ${DAYS} days: stored in ${seeded.insertSeconds} s, rolled up in ${seeded.rollupSeconds} s`,
  );
  const baseline = await median(async () => {
    const res = await signedIn(`${server.url}/app`);
    if (!(await res.text()).includes(`data-monitor="`)) throw new Error("/app listed no monitor");
  });
  console.log(`baseline: /app with ${MONITORS} monitors, median ${baseline.toFixed(0)} ms`);
  const today = Math.floor(Date.now() / 1000 / DAY);
  const day = (n: number) => new Date(n * DAY * 1000).toISOString().slice(0, 10);
  let failed = false;
  for (const days of [7, 30, 90].filter((days) => days <= DAYS)) {
    let checks = 0;
    const ms = await median(async () => {
      const report = await api.report.availability.query({
        from: day(today - days + 1),
        to: day(today),
      });
      if (report.monitors.length !== MONITORS) throw new Error("the report missed monitors");
      checks = report.overall.checks;
    });
    const target = days === 30
      ? ` (target ≤ ${TARGET_MS} ms: ${ms <= TARGET_MS ? "met" : "NOT met"})`
      : "";
    if (days === 30 && ms > TARGET_MS) failed = true;
    console.log(
      `report of ${days} days (${checks.toLocaleString("en")} checks): median ${
        ms.toFixed(0)
      } ms, ${(ms / baseline).toFixed(2)}× the baseline${target}`,
    );
  }
  // The page people open (30 days, the default) and its CSV: the same report, rendered.
  for (
    const path of [
      "/app/reports",
      `/app/reports/availability.csv?from=${day(today - 29)}&to=${day(today)}`,
    ]
  ) {
    let bytes = 0;
    const ms = await median(async () => {
      const res = await signedIn(`${server.url}${path}`);
      bytes = (await res.arrayBuffer()).byteLength;
      if (!res.ok) throw new Error(`${path} answered ${res.status}`);
    });
    console.log(
      `${path.split("?")[0]}: median ${ms.toFixed(0)} ms, ${(bytes / 1024).toFixed(0)} KiB, ${
        (ms / baseline).toFixed(2)
      }× the baseline`,
    );
  }
  if (failed) Deno.exitCode = 1;
} finally {
  await server.close();
}

/** The median of LOADS timed runs, after one untimed. */
async function median(run: () => Promise<void>): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(LOADS / 2)];
}

async function seed(ownerId: string) {
  const pg = server.services.sql;
  const ids: string[] = [];
  for (let i = 0; i < MONITORS; i += 1_000) {
    const rows = Array.from({ length: Math.min(1_000, MONITORS - i) }, (_, k) => ({
      owner_id: ownerId,
      url: `https://site-${i + k}.example.com/health`,
      name: `Site ${String(i + k).padStart(4, "0")}`,
      regions: ["ams", "iad"],
      created_at: new Date(Date.now() - (DAYS + 1) * DAY * 1000).toISOString(),
    }));
    ids.push(
      ...(await pg`insert into websites ${pg(rows)} returning id`).map((r) => r.id as string),
    );
  }
  const now = Math.floor(Date.now() / 1000);
  const from = Math.floor(now / DAY) * DAY - (DAYS - 1) * DAY;
  const slots = Math.floor((now - from) / 1_200);
  const { ch } = server.bed;
  let start = performance.now();
  // ClickHouse makes the rows itself: one insert per 100 monitors, 2 regions, every 20
  // minutes, one check in 97 down.
  for (let i = 0; i < ids.length; i += 100) {
    // 18.16 has one ARRAY JOIN a query: over (monitor, region) pairs.
    const pairs = ids.slice(i, i + 100).flatMap((id) =>
      ["ams", "iad"].map((region) => sql`(${literal.string(id)}, ${literal.string(region)})`)
    );
    await ch.command(
      sql`INSERT INTO checks (website_id, region_id, scheduled_at, checked_at, outcome,
          http_status, response_ms, error_kind, error_message)
        SELECT toUUID(tupleElement(p, 1)), tupleElement(p, 2),
          toDateTime(${literal.int(from)} + number * 1200) AS s, s,
          if(number % 97 = 0, 'down', 'up'), toUInt16(200), toUInt32(40 + number % 300), '', ''
        FROM numbers(${literal.int(slots)}) ARRAY JOIN [${sql.join(pairs, sql`, `)}] AS p`,
    );
  }
  const insertSeconds = ((performance.now() - start) / 1000).toFixed(1);
  start = performance.now();
  for (let at = from; at < now + 3_600; at += 10 * DAY) {
    await rollUpHours(ch, at, Math.min(at + 10 * DAY, Math.floor(now / 3_600) * 3_600 + 3_600));
  }
  // Merged as a table that has lived for days would be, and the 24-hour figures the
  // monitors page reads published, as the leader does.
  await ch.command(sql`OPTIMIZE TABLE checks_hourly FINAL`);
  await refreshUptime24h(ch, server.bed.redis, server.bed.keys);
  const rollupSeconds = ((performance.now() - start) / 1000).toFixed(1);
  return { checks: ids.length * 2 * slots, insertSeconds, rollupSeconds };
}
