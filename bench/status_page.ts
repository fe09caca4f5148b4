/**
 * `deno task bench status-page`: the public page of a status page with 20 monitors and 90
 * days of rollups, fetched by 64 concurrent clients, side by side with a bare `Deno.serve`
 * returning the same HTML (the string the page served, as a `Response` body: what the page
 * does too, with a nonce of its own per response). The load comes from a worker thread;
 * both servers are measured in short alternating slices whose order flips each round, and
 * the medians of the rounds are reported. Reports requests/s of both (target: the page at
 * least 0.5× the bare server), the ClickHouse queries issued while serving (target: at most
 * one per page per cache period) and how often the page was rendered.
 *
 *   deno task bench status-page
 *   BENCH_SECONDS=4 BENCH_ROUNDS=7 deno task bench status-page
 */
import { setLogContext } from "../lib/logger.ts";
import { apiServer } from "../tests/helpers/api.ts";
import { rollUpRecentHours } from "../db/clickhouse/rollup.ts";
import { renderedPages } from "../routes/status/(_components)/load_page.ts";
import { sql } from "../db/clickhouse/sql.ts";

setLogContext({ process: "bench" }, "warn");

// Each fetch loop keeps one request in flight; the worker reports completed requests.
const LOAD = `
self.onmessage = async ({ data: { url, seconds, clients } }) => {
  const started = performance.now();
  const until = started + seconds * 1000;
  let requests = 0, failed = "";
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < until && !failed) {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) requests++; else failed = "HTTP " + res.status;
    }
  }));
  self.postMessage({ requests, failed, seconds: (performance.now() - started) / 1000 });
};`;
const loadWorker = URL.createObjectURL(new Blob([LOAD], { type: "text/javascript" }));
const MONITORS = 20;
const CLIENTS = 64;
const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? 5);
const SLICE_SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 2);
const CACHE_MS = 5_000;
const REGIONS = ["ams", "iad"];
const TARGET = 0.5;

const server = await apiServer({ STATUS_PAGE_CACHE_MS: String(CACHE_MS), REGIONS: "ams,iad" });
let bare: Deno.HttpServer<Deno.NetAddr> | null = null;
try {
  const { api, user } = await server.user("bench");
  const ids: string[] = [];
  for (let i = 0; i < MONITORS; i++) {
    const [row] = await server.bed.pg.sql`
      insert into websites (owner_id, url, name, regions)
      values (${user.id}, ${`https://site-${i}.example.com/`}, ${`Service ${i + 1}`}, ${REGIONS})
      returning id`;
    ids.push(row.id);
  }
  await api.statusPage.create.mutate({ slug: "bench", title: "Bench", websiteIds: ids });
  await insertHourlyChecks(ids);

  // Every ClickHouse query the app issues goes through `rows`.
  const ch = server.services.ch;
  const rows = ch.rows.bind(ch);
  let queries = 0;
  ch.rows = (query) => {
    queries++;
    return rows(query);
  };

  const pageUrl = `${server.url}/status/bench`;
  const html = await (await fetch(pageUrl)).text();
  if (!html.includes("Service 20")) throw new Error("the page does not show its monitors");
  const bareServer = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } }),
  );
  bare = bareServer;
  const bareUrl = `http://127.0.0.1:${bareServer.addr.port}/status/bench`;

  // Warm up JIT and connections on both sides, then short alternating slices, the order
  // flipping each round, so load from elsewhere on a shared machine hits both alike.
  await load(pageUrl, 1);
  await load(bareUrl, 1);
  const rates = { app: [] as number[], bare: [] as number[], ratio: [] as number[] };
  const cpu = { app: 0, bare: 0, appRequests: 0, bareRequests: 0 };
  let appSeconds = 0;
  const queriesBefore = queries;
  const rendersBefore = renderedPages.renders;
  for (let round = 0; round < ROUNDS; round++) {
    const appFirst = round % 2 === 0;
    const first = await load(appFirst ? pageUrl : bareUrl, SLICE_SECONDS);
    const second = await load(appFirst ? bareUrl : pageUrl, SLICE_SECONDS);
    const [app, plain] = appFirst ? [first, second] : [second, first];
    appSeconds += app.seconds;
    cpu.app += app.cpuMs;
    cpu.bare += plain.cpuMs;
    cpu.appRequests += app.requests;
    cpu.bareRequests += plain.requests;
    rates.app.push(app.requests / app.seconds);
    rates.bare.push(plain.requests / plain.seconds);
    rates.ratio.push(rates.app.at(-1)! / rates.bare.at(-1)!);
  }
  const served = queries - queriesBefore;
  const renders = renderedPages.renders - rendersBefore;
  const periods = Math.ceil((appSeconds * 1000) / CACHE_MS);
  console.log(
    `\nstatus page, ${MONITORS} monitors × 90 days, ${CLIENTS} clients (from a worker thread), ` +
      `${ROUNDS} rounds of ${SLICE_SECONDS} s per side`,
  );
  console.log(
    `  ratio per round: ${rates.ratio.map((r) => r.toFixed(2)).join(" ")}`,
  );
  const lines: [string, string][] = [
    ["page requests/s (median)", median(rates.app).toFixed(0)],
    ["bare Deno.serve, same HTML, requests/s", median(rates.bare).toFixed(0)],
    ["ratio (median of rounds)", `${median(rates.ratio).toFixed(2)}× (target ≥ ${TARGET}×)`],
    ...cpuLines(cpu),
    ["page size", `${(html.length / 1024).toFixed(1)} KiB`],
    [
      "ClickHouse queries while serving",
      `${served} in ${appSeconds.toFixed(1)} s = ${(served / periods).toFixed(2)} per ` +
      `${CACHE_MS / 1000} s cache period (target ≤ 1)`,
    ],
    ["page renders while serving", `${renders}`],
  ];
  for (const [label, value] of lines) console.log(`  ${label.padEnd(40)} ${value}`);
} finally {
  await bare?.shutdown();
  await server.close();
}

/** Requests completed by `CLIENTS` fetch loops in a worker thread of their own. */
interface Slice {
  requests: number;
  seconds: number;
  /** CPU time of the serving thread during the slice (NaN where /proc is missing). */
  cpuMs: number;
}

function load(url: string, seconds: number): Promise<Slice> {
  const cpuBefore = serverThreadCpuMs();
  return new Promise((resolve, reject) => {
    const worker = new Worker(loadWorker, { type: "module" });
    worker.onmessage = ({ data }) => {
      worker.terminate();
      if (data.failed) reject(new Error(`${url}: ${data.failed}`));
      else resolve({ ...data, cpuMs: serverThreadCpuMs() - cpuBefore });
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(`${url}: ${e.message}`));
    };
    worker.postMessage({ url, seconds, clients: CLIENTS });
  });
}

/**
 * CPU time of this process's main thread, where both servers run (the clients run in a
 * worker thread). Linux only; clock ticks of 10 ms (USER_HZ).
 */
function serverThreadCpuMs(): number {
  try {
    const stat = Deno.readTextFileSync(`/proc/${Deno.pid}/task/${Deno.pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/**
 * Server CPU per request on each side. On a shared machine the clients, not the servers,
 * often set the pace; then requests/s say little, and this says what each server costs.
 */
function cpuLines(
  cpu: { app: number; bare: number; appRequests: number; bareRequests: number },
): [string, string][] {
  if (Number.isNaN(cpu.app)) return [];
  const app = cpu.app / cpu.appRequests;
  const bare = cpu.bare / cpu.bareRequests;
  return [
    ["server CPU per request, page", `${app.toFixed(2)} ms`],
    ["server CPU per request, bare Deno.serve", `${bare.toFixed(2)} ms`],
    ["bare CPU / page CPU", `${(bare / app).toFixed(2)}× (the ratio when the server is the limit)`],
  ];
}

function median(values: number[]): number {
  return values.toSorted((a, b) => a - b)[values.length >> 1];
}

/** One check an hour per monitor and region over 90 days, 1 in 50 down, then rolled up. */
async function insertHourlyChecks(ids: string[]): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const first = now - 90 * 86_400;
  const values = [];
  for (const id of ids) {
    for (const region of REGIONS) {
      for (let at = first, i = 0; at <= now; at += 3_600, i++) {
        const up = i % 50 !== 7;
        values.push({
          website_id: id,
          region_id: region,
          scheduled_at: at,
          checked_at: at + 1,
          outcome: up ? "up" : "down",
          http_status: up ? 200 : 503,
          response_ms: 50 + (i % 200),
          error_kind: up ? "" : "status",
          error_message: "",
        });
      }
    }
  }
  await server.bed.ch.insert(sql`checks`, values);
  await rollUpRecentHours(server.bed.ch);
}
