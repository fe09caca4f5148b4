/**
 * `report.availability` and its CSV against checks the tests write into ClickHouse and
 * incidents written into Postgres, with the expected figures worked out here by hand: a
 * period of whole days (UTC's, or a time zone's) counts the checks and the parts of
 * incidents inside it, and nothing of another account's.
 */
import assert from "node:assert/strict";
import { apiServer, errorMessage } from "../helpers/api.ts";
import { insertRows } from "../helpers/seed_checks.ts";
import { checkRow } from "../helpers/incidents.ts";
import type { CheckRow } from "../../db/clickhouse/check_row.ts";
import { sql } from "../../db/clickhouse/sql.ts";
import { availabilityReport } from "../../services/reports/availability.ts";
import { actorOf } from "../../services/context.ts";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MIN = 60_000;
const day = (n: number) => new Date(n * DAY).toISOString().slice(0, 10);
const seconds = (ms: number) => Math.floor(ms / 1000);

/** quantilesTiming's definition: the element at floor(level × n) of the sorted values. */
function quantiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (level: number) =>
    sorted[Math.min(Math.floor(level * sorted.length), sorted.length - 1)];
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

async function incident(
  server: Awaited<ReturnType<typeof apiServer>>,
  websiteId: string,
  startedAt: number,
  resolvedAt: number | null,
  acknowledgedAt: number | null = null,
) {
  const at = (ms: number | null) => ms === null ? null : new Date(ms).toISOString();
  await server.bed.pg.sql`
    insert into incidents (website_id, started_at, resolved_at, acknowledged_at, cause_error_kind,
      cause_error_message, cause_http_status, regions, total_regions)
    values (${websiteId}, ${at(startedAt)}, ${at(resolvedAt)}, ${at(acknowledgedAt)}, 'status',
      'expected 2xx or 3xx, got 503', 503, ${["ams"]}, 2)`;
}

Deno.test("a report counts each monitor's checks and incidents inside its period, as the CSV does", async () => {
  const server = await apiServer({ REGIONS: "ams,iad" });
  try {
    const owner = await server.user("owner");
    const other = await server.user("other");
    const create = (name: string, tags: string[] = []) =>
      owner.api.website.create.mutate({ url: "https://example.com/", name, tags });
    const shop = await create("Shop", ["production"]);
    const formula = await create("=cmd|' /C calc'!A0");
    const job = await owner.api.website.create.mutate({ type: "heartbeat", name: "Nightly job" });
    const foreign = await other.api.website.create.mutate({
      url: "https://example.com/",
      name: "Theirs",
    });
    // The monitors existed all along: a report leaves out monitors made after its period.
    await server.bed.pg.sql`update websites set created_at = now() - interval '30 days'`;

    const today = Math.floor(Date.now() / DAY);
    const first = today - 10;
    const start = first * DAY;
    const end = today * DAY; // the period is the 10 days before today
    const rows: CheckRow[] = [];
    const responses: number[] = [];
    for (let d = 0; d < 10; d++) {
      for (const region of ["ams", "iad"]) {
        const slot = (start + d * DAY + 12 * HOUR) / 1000;
        const maintenance = d === 5;
        const down = d === 3 && region === "ams";
        const response = 40 + d * 10 + (region === "iad" ? 5 : 0);
        // A failed check's time is no response time; these maintenance checks failed.
        if (!down && !maintenance) responses.push(response);
        rows.push(checkRow(shop.id, region, slot, !down && !maintenance, {
          response_ms: response,
          maintenance: maintenance ? 1 : 0,
        }));
      }
      rows.push(checkRow(foreign.id, "ams", (start + d * DAY) / 1000, false));
    }
    rows.push(checkRow(job.id, "ams", (start + HOUR) / 1000, true, { response_ms: 0 }));
    rows.push(checkRow(job.id, "ams", (start + 2 * HOUR) / 1000, false, { response_ms: 0 }));
    // Outside the period: the day before it, and today.
    rows.push(checkRow(shop.id, "ams", (start - HOUR) / 1000, false));
    rows.push(checkRow(shop.id, "ams", end / 1000, false));
    await insertRows(server, rows);
    await insertRows(server, rows.slice(0, 6)); // redelivered: counted once

    await incident(server, shop.id, start - HOUR, start + 30 * MIN, start - 50 * MIN);
    const second = start + 2 * DAY + 10 * HOUR;
    await incident(server, shop.id, second, second + 20 * MIN, second + 5 * MIN);
    await incident(server, shop.id, end - HOUR, null);
    await incident(server, shop.id, start - 3 * DAY, start - 3 * DAY + HOUR);
    await incident(server, foreign.id, start + DAY, start + 2 * DAY);

    const report = await owner.api.report.availability.query({
      from: day(first),
      to: day(today - 1),
    });
    assert.deepEqual([report.startsAt, report.endsAt], [start, end]);
    assert.deepEqual(report.monitors.map((m) => m.name), [
      "=cmd|' /C calc'!A0",
      "Nightly job",
      "Shop",
    ]);
    const [blank, beats, figures] = report.monitors;
    assert.deepEqual(
      {
        checks: figures.checks,
        up: figures.up,
        maintenance: figures.maintenance,
        uptime: figures.uptime,
        responseMs: figures.responseMs,
      },
      {
        // 20 checks, 2 of them during maintenance, 1 down of the other 18.
        checks: 18,
        up: 17,
        maintenance: 2,
        uptime: 94.444,
        responseMs: quantiles(responses),
      },
    );
    assert.deepEqual(
      [figures.incidents, figures.downtimeMs, figures.longestMs, figures.mttaMs, figures.mttrMs],
      // The first is clipped to its 30 minutes in the period but took 90 to resolve; the
      // open one is down for the last hour; the one before the period is not counted.
      [3, 110 * MIN, HOUR, 5 * MIN, 55 * MIN],
    );
    assert.deepEqual(
      [beats.checks, beats.up, beats.uptime, beats.responseMs, beats.incidents],
      [2, 1, 50, null, 0],
      "a heartbeat's results count; it has no response times",
    );
    assert.deepEqual(
      [
        blank.checks,
        blank.uptime,
        blank.responseMs,
        blank.incidents,
        blank.downtimeMs,
        blank.mttrMs,
      ],
      [0, null, null, 0, 0, null],
    );
    assert.deepEqual(
      [report.overall.checks, report.overall.up, report.overall.uptime, report.overall.incidents],
      [20, 18, 90, 3],
      "the other account's checks and incident are not in it",
    );
    assert.deepEqual(report.tags, ["production"]);

    const tagged = await owner.api.report.availability.query({
      from: day(first),
      to: day(today - 1),
      tag: "PRODUCTION",
    });
    assert.deepEqual(tagged.monitors.map((m) => m.name), ["Shop"]);
    assert.equal(tagged.overall.uptime, 94.444);

    // A monitor made after the period is not in it.
    await server.bed.pg.sql`update websites set created_at = now() where id = ${formula.id}`;
    assert.deepEqual(
      (await owner.api.report.availability.query({ from: day(first), to: day(today - 1) }))
        .monitors.map((m) => m.name),
      ["Nightly job", "Shop"],
    );
    await server.bed.pg.sql`update websites set created_at = now() - interval '30 days'`;

    const csv = await owner.fetch(
      `${server.url}/app/reports/availability.csv?from=${day(first)}&to=${day(today - 1)}`,
    );
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get("content-disposition")!, /uptime-availability-.*\.csv"$/);
    const lines = (await csv.text()).trim().split("\n");
    assert.equal(
      lines[0],
      "monitor,type,tags,uptime_percent,checks,up_checks,maintenance_checks,incidents,downtime_seconds,longest_incident_seconds,mean_time_to_acknowledge_seconds,mean_time_to_resolve_seconds,p50_ms,p95_ms,p99_ms",
    );
    const q = quantiles(responses);
    assert.deepEqual(lines.slice(1), [
      // A spreadsheet would run the name as a formula: it starts with a quote.
      "'=cmd|' /C calc'!A0,http,,,0,0,0,0,0,,,,,,",
      "Nightly job,heartbeat,,50,2,1,0,0,0,,,,,,",
      `Shop,http,production,94.444,18,17,2,3,${
        seconds(110 * MIN)
      },3600,300,3300,${q.p50},${q.p95},${q.p99}`,
    ]);
    const anonymous = await fetch(
      `${server.url}/app/reports/availability.csv?from=${day(first)}&to=${day(today - 1)}`,
      { redirect: "manual" },
    );
    await anonymous.body?.cancel();
    assert.equal(anonymous.status, 302, "signed out, the CSV leads to the login");
    assert.match(anonymous.headers.get("location")!, /^\/login\?next=/);

    // A read-only token reads reports.
    const reader = await owner.api.apiToken.create.mutate({ name: "Grafana", readOnly: true });
    const viaToken = await fetch(
      `${server.url}/api/trpc/report.availability?input=${
        encodeURIComponent(JSON.stringify({ from: day(first), to: day(today - 1) }))
      }`,
      { headers: { authorization: `Bearer ${reader.token}` } },
    );
    assert.equal(viaToken.status, 200);
    assert.equal((await viaToken.json()).result.data.overall.checks, 20);
  } finally {
    await server.close();
  }
});

Deno.test("a period that reaches today ends now, counting the hour under way and the open incident", async () => {
  const server = await apiServer({ REGIONS: "ams" });
  try {
    const owner = await server.user("owner");
    const shop = await owner.api.website.create.mutate({
      url: "https://example.com/",
      name: "Shop",
    });
    await server.bed.pg.sql`update websites set created_at = now() - interval '3 days'`;
    const now = Date.now();
    const hour = Math.floor(now / HOUR) * HOUR;
    // Two hours ago, rolled up; this hour's, stored after the rollup (it trails).
    await insertRows(server, [
      checkRow(shop.id, "ams", (hour - 2 * HOUR) / 1000, false, { response_ms: 30 }),
    ]);
    await server.bed.ch.insert(sql`checks`, [
      checkRow(shop.id, "ams", hour / 1000, true, { response_ms: 90 }),
    ]);
    await incident(server, shop.id, now - 40 * MIN, null, now - 30 * MIN);
    const today = Math.floor(now / DAY);
    const report = await availabilityReport(
      server.services,
      actorOf({ id: owner.user.id, accountId: owner.user.id }),
      { from: day(today - 1), to: day(today), tag: "", timeZone: "UTC" },
      now,
    );
    assert.equal(report.endsAt, now);
    const [shopFigures] = report.monitors;
    assert.deepEqual(
      [shopFigures.checks, shopFigures.up, shopFigures.responseMs?.p99],
      [2, 1, 90],
      "the rolled-up hour and the hour under way, each once",
    );
    assert.deepEqual(
      [shopFigures.incidents, shopFigures.downtimeMs, shopFigures.mttaMs, shopFigures.mttrMs],
      [1, 40 * MIN, 10 * MIN, null],
    );
  } finally {
    await server.close();
  }
});

Deno.test("a report refuses a period it cannot cover, naming what is wrong", async () => {
  const server = await apiServer();
  try {
    const { api, fetch: signedIn } = await server.user("owner");
    const today = Math.floor(Date.now() / DAY);
    const refused = (from: string, to: string) =>
      errorMessage(api.report.availability.query({ from, to }));
    assert.equal(
      await refused("2026-02-30", day(today)),
      "BAD_REQUEST: from: not a day (expected YYYY-MM-DD)",
    );
    assert.equal(
      await refused(day(today), day(today - 1)),
      "BAD_REQUEST: to: the period ends before it starts",
    );
    assert.equal(
      await refused(day(today - 400), day(today)),
      "BAD_REQUEST: to: a report covers at most 366 days",
    );
    assert.match(await refused(day(today), day(today + 1)), /^BAD_REQUEST: to: after today \(/);
    const page = await signedIn(
      `${server.url}/app/reports?from=${day(today)}&to=${day(today - 3)}`,
    );
    assert.equal(page.status, 400);
    assert.match(await page.text(), /The period ends before it starts/);
    const csv = await signedIn(`${server.url}/app/reports/availability.csv?from=junk`);
    assert.equal(csv.status, 400);
    await csv.body?.cancel();

    // The page's table shows 100 monitors at a time; its figures count them all.
    const { user, fetch: manyFetch } = await server.user("many");
    await server.bed.pg.sql`
      insert into websites (owner_id, url, name, regions, created_at)
      select ${user.id}, 'https://example.com/', 'Site ' || lpad(n::text, 3, '0'), ${["local"]},
             now() - interval '2 days'
      from generate_series(1, 101) n`;
    const monitorsOn = async (path: string) => {
      const html = await (await manyFetch(`${server.url}${path}`)).text();
      const names = [...html.matchAll(/<tr[^>]*data-monitor="[^"]+"[^>]*>.*?>(Site \d+)</gs)]
        .map((m) => m[1]);
      return { names, html };
    };
    const first = await monitorsOn("/app/reports");
    assert.equal(first.names.length, 100);
    assert.equal(first.names[0], "Site 001");
    assert.match(first.html, /Monitors 1–100 of 101/);
    assert.match(first.html, /101 monitors/, "the tiles count every monitor");
    const next = first.html.match(/href="([^"]+)"[^>]*rel="next"/)![1].replaceAll("&amp;", "&");
    const second = await monitorsOn(next);
    assert.deepEqual(second.names, ["Site 101"]);
    assert.match(second.html, /Monitors 101–101 of 101/);
  } finally {
    await server.close();
  }
});

Deno.test("a report's days are the time zone's: Kolkata's begin at 18:30 UTC, half an hour into the rollup's hour", async () => {
  const server = await apiServer({ REGIONS: "ams" });
  try {
    const owner = await server.user("owner");
    const site = await owner.api.website.create.mutate({
      url: "https://example.com/",
      name: "Shop",
    });
    await server.bed.pg.sql`update websites set created_at = now() - interval '30 days'`;
    const today = Math.floor(Date.now() / DAY);
    const d = today - 3;
    // Kolkata's day d: from d−1 18:30 to d 18:30 UTC.
    const check = (ms: number, up: boolean) => checkRow(site.id, "ams", ms / 1000, up);
    await insertRows(server, [
      check(d * DAY - 6 * HOUR, false), // d−1 18:00: the day before there
      check(d * DAY - 5 * HOUR - 15 * MIN, true), // d−1 18:45
      check(d * DAY + 12 * HOUR, false), // d 12:00
      check(d * DAY + 18 * HOUR + 15 * MIN, true), // d 18:15
      check(d * DAY + 18 * HOUR + 45 * MIN, true), // d 18:45: the next day there
    ]);
    await incident(server, site.id, d * DAY - 5 * HOUR, d * DAY - 4 * HOUR);

    const kolkata = await owner.api.report.availability.query({
      from: day(d),
      to: day(d),
      timeZone: "Asia/Kolkata",
    });
    assert.deepEqual(
      [kolkata.timeZone, kolkata.startsAt, kolkata.endsAt],
      ["Asia/Kolkata", d * DAY - 5 * HOUR - 30 * MIN, d * DAY + 18 * HOUR + 30 * MIN],
    );
    const [there] = kolkata.monitors;
    assert.deepEqual([there.checks, there.up, there.incidents], [3, 2, 1]);
    const utc = await owner.api.report.availability.query({ from: day(d), to: day(d) });
    assert.equal(utc.timeZone, "UTC");
    assert.deepEqual([utc.monitors[0].checks, utc.monitors[0].up, utc.monitors[0].incidents], [
      3,
      2,
      0,
    ]);
    // New York, in December: from d 05:00 to d+1 05:00 UTC.
    const newYork = await owner.api.report.availability.query({
      from: "2026-12-01",
      to: "2026-12-01",
      timeZone: "America/New_York",
    });
    assert.deepEqual([newYork.startsAt, newYork.endsAt], [
      Date.UTC(2026, 11, 1, 5),
      Date.UTC(2026, 11, 2, 5),
    ]);

    // Today is the zone's: at 10:30 UTC on 1 June it is already 2 June in Kiritimati (+14).
    const actor = actorOf({ id: owner.user.id, accountId: owner.user.id });
    const at = Date.UTC(2026, 5, 1, 10, 30);
    const ahead = await availabilityReport(
      server.services,
      actor,
      { from: "2026-06-02", to: "2026-06-02", tag: "", timeZone: "Pacific/Kiritimati" },
      at,
    );
    assert.deepEqual([ahead.startsAt, ahead.endsAt], [Date.UTC(2026, 5, 1, 10), at]);
    await assert.rejects(
      availabilityReport(
        server.services,
        actor,
        { from: "2026-06-02", to: "2026-06-02", tag: "", timeZone: "UTC" },
        at,
      ),
      /to: after today \(2026-06-01, UTC\)/,
    );

    assert.equal(
      await errorMessage(
        owner.api.report.availability.query({ from: day(d), to: day(d), timeZone: "Mars/Olympus" }),
      ),
      "BAD_REQUEST: timeZone: not a known time zone (such as Europe/Berlin)",
    );
    // The page: the zone is chosen in the form, named in the heading, and kept by the
    // one-click periods and the CSV link.
    const html = await (await owner.fetch(
      `${server.url}/app/reports?from=${day(d)}&to=${day(d)}&timeZone=Asia%2FKolkata`,
    )).text();
    assert.match(html, /<option value="Asia\/Kolkata" selected>Asia\/Kolkata<\/option>/);
    assert.match(html, /\(Asia\/Kolkata\)/);
    // Listed once, by today's name (V8 knows it as Asia/Calcutta too).
    assert.equal(html.split('value="Asia/Kolkata"').length, 2);
    assert.ok(!html.includes('value="Asia/Calcutta"'));
    assert.match(
      html,
      /href="\/app\/reports\?from=[\d-]+&amp;to=[\d-]+&amp;timeZone=Asia%2FKolkata"/,
    );
    assert.match(html, /availability\.csv\?from=[\d-]+&amp;to=[\d-]+&amp;timeZone=Asia%2FKolkata/);
    const download = await owner.fetch(
      `${server.url}/app/reports/availability.csv?from=${day(d)}&to=${
        day(d)
      }&timeZone=Asia%2FKolkata`,
    );
    assert.equal(
      download.headers.get("content-disposition"),
      `attachment; filename="uptime-availability-${day(d)}-to-${day(d)}-Asia_Kolkata.csv"`,
    );
    assert.match(await download.text(), /\nShop,http,,66\.667,3,2,0,1,/);
    const refused = await owner.fetch(
      `${server.url}/app/reports?timeZone=%3Cscript%3Ealert(1)%3C%2Fscript%3E`,
    );
    assert.equal(refused.status, 400);
    const refusedHtml = await refused.text();
    assert.match(refusedHtml, /Not a known time zone \(such as Europe\/Berlin\)/);
    assert.ok(!refusedHtml.includes("<script>alert(1)"), "the zone asked for is escaped");
  } finally {
    await server.close();
  }
});
