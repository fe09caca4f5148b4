/**
 * `deno task bench status-page`: the public page of a status page with 20 monitors and 90
 * days of rollups, fetched by 64 concurrent clients, side by side with a bare `Deno.serve`
 * returning the same HTML. Reports requests/s of both (target: the page at least 0.5× the
 * bare server) and the ClickHouse queries issued while serving (target: at most one per
 * page per cache period).
 *
 *   deno task bench status-page
 *   BENCH_SECONDS=20 deno task bench status-page
 */
import { setLogContext } from "../lib/logger.ts";
import { apiServer } from "../tests/helpers/api.ts";
import { rollUpRecentHours } from "../db/clickhouse/rollup.ts";

setLogContext({ process: "bench" }, "warn");
const MONITORS = 20;
const CLIENTS = 64;
const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 10);
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

  // Alternating halves, so load from elsewhere hits both alike.
  let appRequests = 0;
  let bareRequests = 0;
  let appSeconds = 0;
  let bareSeconds = 0;
  const queriesBefore = queries;
  for (let round = 0; round < 2; round++) {
    const app = await load(pageUrl, SECONDS / 2);
    appRequests += app.requests;
    appSeconds += app.seconds;
    const plain = await load(bareUrl, SECONDS / 2);
    bareRequests += plain.requests;
    bareSeconds += plain.seconds;
  }
  const served = queries - queriesBefore;
  const periods = Math.ceil((appSeconds * 1000) / CACHE_MS);
  const appRate = appRequests / appSeconds;
  const bareRate = bareRequests / bareSeconds;
  console.log(
    `\nstatus page, ${MONITORS} monitors × 90 days, ${CLIENTS} clients, ${SECONDS} s each side`,
  );
  const lines: [string, string][] = [
    ["page requests/s", appRate.toFixed(0)],
    ["bare Deno.serve, same HTML, requests/s", bareRate.toFixed(0)],
    ["ratio", `${(appRate / bareRate).toFixed(2)}× (target ≥ ${TARGET}×)`],
    ["page size", `${(html.length / 1024).toFixed(1)} KiB`],
    [
      "ClickHouse queries while serving",
      `${served} in ${appSeconds.toFixed(1)} s = ${(served / periods).toFixed(2)} per ` +
      `${CACHE_MS / 1000} s cache period (target ≤ 1)`,
    ],
  ];
  for (const [label, value] of lines) console.log(`  ${label.padEnd(40)} ${value}`);
} finally {
  await bare?.shutdown();
  await server.close();
}

async function load(url: string, seconds: number): Promise<{ requests: number; seconds: number }> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let requests = 0;
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (performance.now() < deadline) {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}`);
      requests++;
    }
  }));
  return { requests, seconds: (performance.now() - started) / 1000 };
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
  await server.bed.ch.client.insert({ table: "checks", values, format: "JSONEachRow" });
  await rollUpRecentHours(server.bed.ch);
}
