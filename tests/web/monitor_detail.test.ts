/**
 * The monitor detail page as a browser without JavaScript gets it: figures, daily bars
 * and recent checks rendered on the server from results inserted into ClickHouse, paging
 * by links, a clear waiting state, user text escaped, and "not found" for anything that
 * is not the visitor's own monitor.
 */
import assert from "node:assert/strict";
import { apiServer } from "../helpers/api.ts";
import { connectClickHouse } from "../../db/clickhouse/client.ts";
import { insertRows, seedRows, STEP } from "../helpers/seed_checks.ts";
import { formatMs } from "../../lib/time_format.ts";
import { formatUptime } from "../../lib/uptime.ts";

const HOSTILE_NAME = "<img src=x onerror=alert(1)>";
Deno.test("the monitor page renders its figures, bars and checks without JavaScript", async (t) => {
  const server = await apiServer({ REGIONS: "ams,iad", REGION: "ams" });
  try {
    const owner = await server.user("owner");
    const website = await owner.api.website.create.mutate({
      url: "https://example.com/health",
      name: HOSTILE_NAME,
    });
    const now = Math.floor(Date.now() / 1000);
    const rows = seedRows(website.id, now);
    await insertRows(server, rows);
    const path = `/app/monitors/${website.id}`;
    const get = (url: string) => owner.fetch(`${server.url}${url}`, { redirect: "manual" });

    const res = await get(path);
    assert.equal(res.status, 200);
    const html = await res.text();

    await t.step("the name is text, never markup", () => {
      assert.ok(!html.includes(HOSTILE_NAME), "the raw name is not in the page");
      assert.doesNotMatch(html, /<img/);
      assert.match(html, /<h1[^>]*>&lt;img src=x onerror=alert\(1\)(&gt;|>)<\/h1>/);
      assert.match(html, /<title>&lt;img src=x onerror=alert\(1\)(&gt;|>) · Uptime<\/title>/);
    });

    await t.step("the tiles hold the range's uptime and percentiles", async () => {
      const metrics = await owner.api.website.metrics.query({ id: website.id, range: "24h" });
      assert.equal(metrics.checks, rows.length);
      const tile = (label: string) =>
        new RegExp(`data-tile="${label}"[^]*?<dd[^>]*>([^<]*)</dd>`).exec(html)?.[1];
      assert.equal(tile("Uptime"), formatUptime(metrics.uptime));
      assert.equal(tile("p50"), formatMs(metrics.responseMs!.p50));
      assert.equal(tile("p95"), formatMs(metrics.responseMs!.p95));
      assert.equal(tile("p99"), formatMs(metrics.responseMs!.p99));
      assert.equal(formatUptime(metrics.uptime), "95.83%"); // 69 of 72 up
    });

    await t.step("the state says degraded since ams began failing", () => {
      assert.match(html, /data-monitor-status="degraded"/);
      const since = new Date((Math.floor(now / STEP) * STEP - 2 * STEP) * 1000).toISOString();
      assert.ok(html.includes(`dateTime="${since}"`) || html.includes(`datetime="${since}"`));
      assert.match(html, /data-region="ams"[^]*?aria-label="ams: down"/);
      assert.match(html, /data-region="iad"[^]*?aria-label="iad: up"/);
    });

    await t.step("90 daily bars, today's with its checks in the tooltip", () => {
      const bars = [...html.matchAll(/<span[^>]*data-day="(\d{4}-\d\d-\d\d)"/g)];
      assert.equal(bars.length, 90);
      const today = new Date().toISOString().slice(0, 10);
      assert.equal(bars.at(-1)![1], today);
      // Seeded rows may straddle midnight UTC: the bars together hold every check.
      const counts = [...html.matchAll(/title="[^"]*?, ([\d,]+) checks/g)]
        .map((m) => Number(m[1].replace(/,/g, "")));
      assert.equal(counts.reduce((a, b) => a + b, 0), rows.length);
    });

    await t.step("the chart has an SVG stand-in with a name and a description", () => {
      assert.match(html, /<svg[^>]*role="img"[^>]*aria-label="Response time by region/);
      assert.match(html, /id="chart-description"[^]*?ams: median response between/);
      assert.match(html, /Failed checks in 1 period/);
      assert.match(html, /href="\/assets\/uplot.css"/);
    });

    await t.step("recent checks list the newest 25 with the error message", () => {
      const body = /<tbody[^>]*data-checks[^>]*>([^]*?)<\/tbody>/.exec(html)![1];
      assert.equal([...body.matchAll(/<tr/g)].length, 25);
      assert.match(body, /expected 2xx or 3xx, got 503/);
      assert.match(body, /Down · 503/);
    });

    await t.step("older checks are a link that pages without repeating", async () => {
      const href = /<a href="([^"]*cursor=[^"]*)"[^>]*rel="next"/.exec(html)?.[1];
      assert.ok(href, "an Older checks link");
      const older = await get(href!.replaceAll("&amp;", "&"));
      assert.equal(older.status, 200);
      const page = await older.text();
      const body = /<tbody[^>]*data-checks[^>]*>([^]*?)<\/tbody>/.exec(page)![1];
      const times = (text: string) => [...text.matchAll(/dateTime="([^"]+)"/gi)].map((m) => m[1]);
      assert.equal([...body.matchAll(/<tr/g)].length, 25);
      assert.match(page, /Newest checks/);
      assert.ok(
        Math.max(...times(body).map(Date.parse)) <= Math.min(
          ...times(/<tbody[^>]*data-checks[^>]*>([^]*?)<\/tbody>/.exec(html)![1]).map(Date.parse),
        ),
      );
    });

    await t.step("each range is a link, the current one marked", async () => {
      assert.match(html, /href="[^"]*\?range=24h" aria-current="page"/);
      const week = await get(`${path}?range=7d`);
      const text = await week.text();
      assert.equal(week.status, 200);
      assert.match(text, /href="[^"]*\?range=7d" aria-current="page"/);
      assert.match(text, /Performance, last 7 days/);
    });

    await t.step("actions link to edit, pause and delete", () => {
      for (const action of ["edit", "pause", "delete"]) {
        assert.ok(html.includes(`href="${path}/${action}"`), action);
      }
    });

    await t.step("a monitor without checks is waiting, not an empty table", async () => {
      const fresh = await owner.api.website.create.mutate({ url: "https://example.org/" });
      const res = await get(`/app/monitors/${fresh.id}`);
      const text = await res.text();
      assert.equal(res.status, 200);
      assert.match(text, /Waiting for the first check/);
      assert.doesNotMatch(text, /<table/);
      assert.match(text, /No checks in this range yet/);

      // Paused before its first check: it is not waiting for one.
      await owner.api.website.setActive.mutate({ id: fresh.id, active: false });
      const paused = await (await get(`/app/monitors/${fresh.id}`)).text();
      assert.doesNotMatch(paused, /Waiting for the first check|Checks run every/);
      assert.match(paused, /No checks yet/);
      assert.match(paused, /Checks are paused: resume the monitor to run them\./);
    });

    await t.step("its settings are said in words, a keyword as text", async () => {
      await owner.api.website.update.mutate({
        id: website.id,
        keyword: "<b>healthy</b>",
        remindEveryMinutes: 60,
        notificationIds: [],
      });
      const text = await (await get(path)).text();
      const settings = text.slice(text.indexOf('id="settings"'));
      for (
        const said of [
          /<dt[^>]*>Checked<\/dt><dd[^>]*>every 3 min from ams, iad, each check given 10 s<\/dd>/,
          /<dt[^>]*>Up when<\/dt><dd[^>]*>the answer is 2xx or 3xx, contains “&lt;b>healthy&lt;\/b>”<\/dd>/,
          /<dt[^>]*>Certificate warning<\/dt><dd[^>]*>14 days before it expires<\/dd>/,
          /<dt[^>]*>Incident opens<\/dt><dd[^>]*>after 2 checks failed in a row in at least half of its regions<\/dd>/,
          /<dt[^>]*>Alerts go to<\/dt><dd[^>]*>no channel: it alerts nobody<\/dd>/,
          /<dt[^>]*>Reminders<\/dt><dd[^>]*>every 1 h until someone acknowledges<\/dd>/,
        ]
      ) assert.match(settings, said);
      assert.match(
        settings,
        new RegExp(`href="/app/monitors/${website.id}/edit"[^>]*>Edit settings`),
      );
    });

    await t.step("a heartbeat monitor shows beats, not response times", async () => {
      const beat = await owner.api.website.create.mutate({ type: "heartbeat" });
      assert.equal(beat.name, "Heartbeat");
      const text = await (await get(`/app/monitors/${beat.id}`)).text();
      assert.match(text, /Waiting for the first beat/);
      assert.match(text, /One opens when 2 beats in a row are missed or fail\./);
      assert.match(text, /data-tile="Uptime"/);
      assert.doesNotMatch(text, /data-tile="p50"|Response time|Checks run every/);
      assert.match(text, /data-tile="Uptime"[\s\S]*?>no beats yet<\/dd>/);
      assert.match(
        text,
        /<dt[^>]*>Expects<\/dt><dd[^>]*>a beat every 3 min<\/dd>[\s\S]*after 2 beats missed or failed in a row/,
      );
      assert.match(await (await get("/app")).text(), /Waiting for the first beat/);
    });

    await t.step("another user's monitor, a bad id and an unknown one are 404 pages", async () => {
      const other = await server.user("other");
      for (
        const [client, url] of [
          [other, path],
          [owner, "/app/monitors/not-a-uuid"],
          [owner, `/app/monitors/${crypto.randomUUID()}`],
        ] as const
      ) {
        const res = await client.fetch(`${server.url}${url}`, { redirect: "manual" });
        const text = await res.text();
        assert.equal(res.status, 404, url);
        assert.match(text, /<title>Page not found · Uptime<\/title>/);
        assert.match(text, /<h1[^>]*>Page not found<\/h1>/);
        // Still inside the dashboard: its navigation leads on.
        assert.match(text, /<nav aria-label="Main"/);
        assert.ok(!text.includes("onerror"), "nothing of the monitor leaks");
      }
      const nowhere = await owner.fetch(`${server.url}/app/no-such-section`);
      assert.equal(nowhere.status, 404);
      const lost = await nowhere.text();
      assert.match(lost, /<nav aria-label="Main"/);
      assert.doesNotMatch(lost, /aria-current="page"/, "no section claims a page of none");
    });

    await t.step("a bad range or cursor is a 400 that says what is wrong", async () => {
      const range = await get(`${path}?range=1y`);
      assert.equal(range.status, 400);
      const said = await range.text();
      assert.match(said, /range: expected one of 24h, 7d, 30d, 90d/);
      assert.match(said, /<title>Something went wrong · Uptime<\/title>/, "not the monitor's name");
      const cursor = await get(`${path}?cursor=nonsense`);
      assert.equal(cursor.status, 400);
      assert.match(await cursor.text(), /cursor: not a valid cursor/);
    });

    await t.step("signed out, the page asks for a login and comes back", async () => {
      const res = await fetch(`${server.url}${path}?range=7d`, { redirect: "manual" });
      await res.body?.cancel();
      assert.equal(res.status, 302);
      assert.equal(
        res.headers.get("location"),
        `/login?next=${encodeURIComponent(`${path}?range=7d`)}`,
      );
    });

    await t.step("with ClickHouse unreachable the page still answers, with notices", async () => {
      // A port nobody listens on: the page must degrade, not turn into a 500.
      const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const port = (listener.addr as Deno.NetAddr).port;
      listener.close();
      const working = server.services.ch;
      server.services.ch = connectClickHouse(`http://127.0.0.1:${port}/uptime`, {
        timeoutMs: 2_000,
      });
      try {
        const res = await get(path);
        const text = await res.text();
        assert.equal(res.status, 200);
        assert.match(text, /The figures for this monitor could not be loaded just now/);
        assert.match(text, /Recent checks could not be loaded just now/);
        assert.match(text, /<h1[^>]*>&lt;img/);
      } finally {
        await server.services.ch.close();
        server.services.ch = working;
      }
    });

    await t.step("uPlot's stylesheet is served from the package", async () => {
      const res = await fetch(`${server.url}/assets/uplot.css`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type")!, /^text\/css/);
      assert.match(await res.text(), /\.uplot/);
    });
  } finally {
    await server.close();
  }
});
