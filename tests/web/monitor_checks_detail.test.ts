/**
 * The dashboard shows what the deeper checks found: a certificate inside the warning
 * window, the timing breakdown per phase and region, and a heartbeat monitor that missed
 * its beat as down, with its ping URL on its page.
 */
import assert from "node:assert/strict";
import { apiServer } from "../helpers/api.ts";
import { sweepMissedHeartbeats } from "../../publisher/heartbeats.ts";
import { sql } from "../../db/clickhouse/sql.ts";
import { checkRow } from "../helpers/incidents.ts";

Deno.test("the monitor page warns about a certificate inside the warning window and breaks down the timings", async () => {
  const server = await apiServer();
  try {
    const { api, fetch: browser } = await server.user();
    const site = await api.website.create.mutate({
      url: "https://example.com/",
      certExpiryWarnDays: 14,
    });
    const now = Math.floor(Date.now() / 1000);
    const row = (offset: number, certDays: number, ttfb: number) =>
      checkRow(site.id, "local", now - offset, true, {
        response_ms: 10 + 20 + 30 + ttfb,
        dns_ms: 10,
        connect_ms: 20,
        tls_ms: 30,
        ttfb_ms: ttfb,
        cert_days_left: certDays,
      });
    await server.bed.ch.insert(sql`checks`, [row(120, 6, 100), row(60, 5, 200)]);
    const page = async () => {
      const res = await browser(`${server.url}/app/monitors/${site.id}`);
      assert.equal(res.status, 200);
      return await res.text();
    };
    const html = await page();
    assert.match(html, /data-cert-warning>The TLS certificate expires in 5 days/);
    assert.match(html, /data-phases="local"/);
    // p50 / p95 of first byte over 100 and 200 ms (quantilesTiming is exact below 1 s).
    assert.match(html, /Timing breakdown/);
    assert.match(html, /title="First byte: /);

    // Outside the window, no warning.
    await api.website.update.mutate({ id: site.id, certExpiryWarnDays: 3 });
    assert.doesNotMatch(await page(), /data-cert-warning/);

    // A target next door: every phase under a millisecond, which no bar can show.
    const near = await api.website.create.mutate({ url: "http://near.example.com/" });
    await server.bed.ch.insert(sql`checks`, [
      checkRow(near.id, "local", now - 60, true, { response_ms: 1 }),
    ]);
    const nearPage = await (await browser(`${server.url}/app/monitors/${near.id}`)).text();
    assert.match(nearPage, /data-under-a-ms>Each phase(&#39;|')s median is under 1 ms\./);
    assert.doesNotMatch(nearPage, /title="(DNS|Connect|TLS|First byte): /);
  } finally {
    await server.close();
  }
});

Deno.test("a monitor slower than its degraded threshold shows amber on its page and in the list", async () => {
  const server = await apiServer();
  try {
    const { api, fetch: browser } = await server.user();
    const site = await api.website.create.mutate({
      url: "https://slow.example.com/",
      degradedMs: 1_000,
    });
    const now = Math.floor(Date.now() / 1000);
    const row = (offset: number, ms: number) =>
      checkRow(site.id, "local", now - offset, true, {
        response_ms: ms,
        degraded: ms > 1_000 ? 1 : 0,
      });
    await server.bed.ch.insert(sql`checks`, [row(120, 200), row(60, 3_012)]);
    // What the worker publishes with the stored row: the list's badge reads it.
    await server.bed.redis.hset(server.bed.keys.liveStatus(site.id), {
      local: JSON.stringify({
        websiteId: site.id,
        region: "local",
        outcome: "up",
        httpStatus: 200,
        responseMs: 3_012,
        errorKind: "",
        checkedAt: (now - 60) * 1000,
        scheduledAt: (now - 60) * 1000,
        degraded: true,
      }),
    });
    const page = await (await browser(`${server.url}/app/monitors/${site.id}`)).text();
    assert.match(page, /data-monitor-status="degraded"/);
    assert.match(page, /Up, but slower than its degraded threshold in local\./);
    const list = await (await browser(`${server.url}/app`)).text();
    assert.match(list, /aria-label="Last 2 checks: 2 up \(1 degraded\), 0 down"/);
    // Amber on the badge, but counted as up.
    const tableRow = list.slice(list.indexOf(`data-monitor="${site.id}"`));
    assert.match(tableRow.slice(0, tableRow.indexOf("</tr>")), />Degraded</);
    assert.match(list, /1 monitor · 0 down · 0 paused/);
    assert.match(list, /data-s title="[^"]*· local · Degraded · 3\.01 s"/);
  } finally {
    await server.close();
  }
});

Deno.test("a heartbeat monitor shows its ping URL, and shows down after a missed beat", async () => {
  const server = await apiServer();
  try {
    const { api, fetch: browser } = await server.user();
    const monitor = await api.website.create.mutate({
      type: "heartbeat",
      name: "Backups",
      intervalSeconds: 3_600,
    });
    const detail = await (await browser(`${server.url}/app/monitors/${monitor.id}`)).text();
    assert.ok(detail.includes(`data-ping-url>${monitor.heartbeat!.pingUrl}<`));
    assert.match(detail, /Heartbeat: your job reports in/);

    await server.bed.pg.sql`
      update websites set next_check_at = now() - interval '1 second' where id = ${monitor.id}`;
    const missed = await sweepMissedHeartbeats({
      ...server.services,
      defaultIntervalSeconds: 180,
    });
    assert.equal(missed, 1);
    const list = await (await browser(`${server.url}/app`)).text();
    assert.match(list, new RegExp(`data-monitor="${monitor.id}" data-status="down"`));
    // Its figures count beats: a job reports in, nothing is checked.
    const page = await (await browser(`${server.url}/app/monitors/${monitor.id}`)).text();
    assert.match(page, /Recent beats<\/h2>/);
    assert.match(page, /data-tile="Uptime"[\s\S]*?>0 received, 1 missed or failed<\/dd>/);
    assert.match(page, /title="\d{4}-\d\d-\d\d: 0\.00% uptime, 0 received, 1 missed or failed"/);
    assert.doesNotMatch(page, /Recent checks|1 checks?\b|no checks/);
  } finally {
    await server.close();
  }
});

Deno.test("the add-monitor form saves keyword absence, the degraded threshold and the certificate window", async () => {
  const server = await apiServer({ REGIONS: "local" });
  try {
    const { fetch: browser } = await server.user();
    const fields: [string, string][] = [
      ["url", "https://example.com/"],
      ["name", ""],
      ["method", "GET"],
      ["body", ""],
      ["interval", "60"],
      ["interval_custom", ""],
      ["timeout", "10"],
      ["expected_status", ""],
      ["keyword", ""],
      ["forbidden_keyword", "Fatal error"],
      ["degraded_ms", "800"],
      ["cert_expiry_warn_days", "30"],
      ["regions", "local"],
    ];
    const res = await browser(`${server.url}/app/monitors/new`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
      redirect: "manual",
    });
    await res.body?.cancel();
    assert.equal(res.status, 303);
    const id = /\/app\/monitors\/([0-9a-f-]{36})\?notice=created$/.exec(
      res.headers.get("location") ?? "",
    )![1];
    const [row] = await server.services.sql`select * from websites where id = ${id}`;
    assert.equal(row.forbidden_keyword, "Fatal error");
    assert.equal(row.degraded_ms, 800);
    assert.equal(row.cert_expiry_warn_days, 30);

    const edit = await (await browser(`${server.url}/app/monitors/${id}/edit`)).text();
    assert.match(edit, /<label for="forbidden_keyword"[^>]*>Must not contain<\/label>/);
    assert.match(edit, /name="degraded_ms"[^>]*value="800"/);

    const bad = await browser(`${server.url}/app/monitors/new`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(
        fields.map(([k, v]) => [k, k === "degraded_ms" ? "0" : v] as [string, string]),
      ).toString(),
      redirect: "manual",
    });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /id="degraded_ms-error"[^>]*>⚠ At least 1/);
  } finally {
    await server.close();
  }
});
