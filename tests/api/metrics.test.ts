/**
 * `website.metrics` and `website.checks` against rows the tests insert into ClickHouse,
 * with the expected figures computed here by hand. Some rows are inserted twice (a
 * redelivered check): no count, uptime or 24-hour response time may change.
 */
import assert from "node:assert/strict";
import { apiServer, errorCode } from "../helpers/api.ts";
import { rollUpHours } from "../../db/clickhouse/rollup.ts";
import { sql } from "../../db/clickhouse/sql.ts";
import type { CheckRow } from "../../db/clickhouse/check_row.ts";

const REGIONS = ["ams", "iad", "syd"];
const HOUR = 3_600;
const DAY = 86_400;

function row(websiteId: string, region: string, scheduledAt: number, seed: number): CheckRow {
  const up = seed % 7 !== 0;
  return {
    website_id: websiteId,
    region_id: region,
    scheduled_at: scheduledAt,
    checked_at: scheduledAt + 1,
    outcome: up ? "up" : "down",
    http_status: up ? 200 : 503,
    // Below 1024 ms quantilesTiming is exact, so the hand computation needs no rounding.
    response_ms: (seed * 37) % 1000 + 5,
    error_kind: up ? "" : "status",
    error_message: up ? "" : "expected 2xx or 3xx, got 503",
  };
}

/** quantilesTiming's definition: the element at floor(level × n) of the sorted values. */
function quantiles(values: number[]) {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (level: number) =>
    sorted[Math.min(Math.floor(level * sorted.length), sorted.length - 1)];
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

function summary(rows: CheckRow[]) {
  const up = rows.filter((r) => r.outcome === "up").length;
  return {
    checks: rows.length,
    up,
    // Percent rounded to 3 decimals: the one rounding of lib/uptime.ts.
    uptime: rows.length ? Math.round((up / rows.length) * 100_000) / 1000 : null,
    // A failed check's time is no response time (db/clickhouse/rollup.ts, ANSWERED).
    responseMs: quantiles(rows.filter((r) => r.outcome === "up").map((r) => r.response_ms)),
  };
}

async function setUp() {
  const server = await apiServer({ REGIONS: REGIONS.join(","), REGION: "ams" });
  const owner = await server.user("owner");
  const website = await owner.api.website.create.mutate({ url: "https://example.com/" });
  const insert = (rows: CheckRow[]) =>
    server.bed.ch.insert(sql`checks`, rows)
      .then(() => rollUpHours(server.bed.ch, 0, Math.floor(Date.now() / 1000) + 3_600));
  return { server, owner, website, insert };
}

Deno.test("24h metrics equal hand-computed figures; a check stored twice counts once", async () => {
  const { server, owner, website, insert } = await setUp();
  try {
    const now = Math.floor(Date.now() / 1000);
    const rows: CheckRow[] = [];
    // Every 10 minutes for the last ~20 hours, fewer in syd; well inside the window.
    for (const [r, region] of REGIONS.entries()) {
      for (let k = 1; k <= 120 - r * 40; k++) {
        rows.push(row(website.id, region, now - k * 600 - r * 7, k * (r + 3)));
      }
    }
    // Older than the window: must not count.
    rows.push(row(website.id, "ams", now - 2 * DAY, 1));
    const inWindow = rows.slice(0, -1);
    await insert(rows);
    await insert(rows.filter((_, i) => i % 3 === 0)); // redelivered: a second part

    const metrics = await owner.api.website.metrics.query({ id: website.id, range: "24h" });
    const expected = summary(inWindow);
    assert.equal(metrics.range, "24h");
    assert.equal(metrics.bucketMs, 300_000);
    assert.equal(metrics.checks, expected.checks);
    assert.equal(metrics.up, expected.up);
    assert.equal(metrics.uptime, expected.uptime);
    assert.deepEqual(metrics.responseMs, expected.responseMs);
    assert.deepEqual(metrics.regions.map((r) => r.region), REGIONS);

    for (const region of metrics.regions) {
      const own = inWindow.filter((r) => r.region_id === region.region);
      const { checks, up, uptime, responseMs } = summary(own);
      assert.deepEqual(
        { checks: region.checks, up: region.up, uptime: region.uptime, p: region.responseMs },
        { checks, up, uptime, p: responseMs },
      );
      assert.equal(region.series.length, 288);
      assert.equal(region.series[0].at, metrics.from);
      assert.ok(region.series.at(-1)!.at <= Date.now());
      for (const bucket of region.series) {
        const inBucket = own.filter((r) =>
          r.scheduled_at * 1000 >= bucket.at && r.scheduled_at * 1000 < bucket.at + 300_000
        );
        const want = summary(inBucket);
        assert.deepEqual(
          [bucket.checks, bucket.up, bucket.uptime, bucket.p50, bucket.p95, bucket.p99],
          [
            want.checks,
            want.up,
            want.uptime,
            want.responseMs?.p50 ?? null,
            want.responseMs?.p95 ?? null,
            want.responseMs?.p99 ?? null,
          ],
        );
      }
    }
    // The status bars include the row from two days ago.
    assert.equal(metrics.daily.length, 90);
    assert.equal(metrics.daily.reduce((n, day) => n + day.checks, 0), rows.length);
  } finally {
    await server.close();
  }
});

Deno.test("90d metrics and daily bars come from the rollup and ignore duplicates", async () => {
  const { server, owner, website, insert } = await setUp();
  try {
    const now = Math.floor(Date.now() / 1000);
    const today = Math.floor(now / DAY) * DAY;
    const rows: CheckRow[] = [];
    // Days 0..89 back (today included), a few checks a day at fixed hours, region by region.
    for (let day = 0; day < 90; day++) {
      for (const [r, region] of REGIONS.entries()) {
        const hours = day === 0 ? [0] : [1, 7, 13, 19].slice(0, 4 - r);
        for (const hour of hours) {
          rows.push(row(website.id, region, today - day * DAY + hour * HOUR + r, day * 5 + hour));
        }
      }
    }
    const first = today - 89 * DAY;
    assert.ok(rows.every((r) => r.scheduled_at >= first && r.scheduled_at <= now));
    await insert(rows);
    // Redelivered checks, some days wholly, a few rows a third time: no figure may move.
    const redelivered = rows.filter((r) => Math.floor(r.scheduled_at / DAY) % 10 === 3);
    await insert(redelivered);
    await insert(redelivered.slice(0, 5));
    // A 91st day back must not show.
    await insert([row(website.id, "ams", first - DAY + HOUR, 3)]);

    const metrics = await owner.api.website.metrics.query({ id: website.id, range: "90d" });
    const expected = summary(rows);
    assert.equal(metrics.bucketMs, DAY * 1000);
    assert.equal(metrics.from, first * 1000);
    assert.equal(metrics.checks, expected.checks);
    assert.equal(metrics.up, expected.up);
    assert.equal(metrics.uptime, expected.uptime);
    assert.deepEqual(metrics.responseMs, expected.responseMs);

    for (const region of metrics.regions) {
      const own = rows.filter((r) => r.region_id === region.region);
      const want = summary(own);
      assert.deepEqual([region.checks, region.up, region.uptime, region.responseMs], [
        want.checks,
        want.up,
        want.uptime,
        want.responseMs,
      ]);
      assert.equal(region.series.length, 90);
      for (const [index, bucket] of region.series.entries()) {
        const dayStart = first + index * DAY;
        const inDay = own.filter((r) =>
          r.scheduled_at >= dayStart && r.scheduled_at < dayStart + DAY
        );
        const day = summary(inDay);
        assert.equal(bucket.at, dayStart * 1000);
        assert.deepEqual([bucket.checks, bucket.up, bucket.uptime], [
          day.checks,
          day.up,
          day.uptime,
        ]);
        assert.deepEqual(
          [bucket.p50, bucket.p95, bucket.p99],
          [day.responseMs?.p50 ?? null, day.responseMs?.p95 ?? null, day.responseMs?.p99 ?? null],
        );
      }
    }
    for (const [index, bar] of metrics.daily.entries()) {
      const dayStart = first + index * DAY;
      const day = summary(
        rows.filter((r) => r.scheduled_at >= dayStart && r.scheduled_at < dayStart + DAY),
      );
      assert.deepEqual(
        { at: bar.at, checks: bar.checks, up: bar.up, uptime: bar.uptime },
        { at: dayStart * 1000, checks: day.checks, up: day.up, uptime: day.uptime },
      );
    }
  } finally {
    await server.close();
  }
});

Deno.test("7d and 30d use hourly and 6-hour buckets; an empty website has null figures", async () => {
  const { server, owner, website, insert } = await setUp();
  try {
    const empty = await owner.api.website.metrics.query({ id: website.id, range: "7d" });
    assert.equal(empty.checks, 0);
    assert.equal(empty.uptime, null);
    assert.equal(empty.responseMs, null);
    assert.equal(empty.regions[0].series.length, 168);
    assert.equal(empty.regions[0].latest, null);

    const now = Math.floor(Date.now() / 1000);
    const rows = [1, 2, 3, 30, 31].map((h, i) => row(website.id, "iad", now - h * HOUR, i + 1));
    await insert(rows);
    await insert(rows);
    const week = await owner.api.website.metrics.query({ id: website.id, range: "7d" });
    const month = await owner.api.website.metrics.query({ id: website.id, range: "30d" });
    assert.equal(week.bucketMs, HOUR * 1000);
    assert.equal(month.bucketMs, 6 * HOUR * 1000);
    assert.equal(month.regions[0].series.length, 120);
    for (const metrics of [week, month]) {
      const want = summary(rows);
      assert.equal(metrics.checks, want.checks);
      assert.equal(metrics.up, want.up);
      assert.deepEqual(metrics.responseMs, want.responseMs); // every row doubled: same quantiles
      const iad = metrics.regions.find((r) => r.region === "iad")!;
      assert.equal(iad.series.reduce((n, b) => n + b.checks, 0), rows.length);
    }
  } finally {
    await server.close();
  }
});

Deno.test("metrics carry the latest result per region from Redis", async () => {
  const { server, owner, website } = await setUp();
  try {
    const live = {
      websiteId: website.id,
      region: "syd",
      outcome: "down",
      httpStatus: 0,
      responseMs: 10_000,
      errorKind: "timeout",
      checkedAt: 1_700_000_010_000,
      scheduledAt: 1_700_000_000_000,
    };
    await server.bed.redis.hset(server.bed.keys.liveStatus(website.id), {
      syd: JSON.stringify(live),
      ams: "not json",
    });
    const metrics = await owner.api.website.metrics.query({ id: website.id, range: "24h" });
    const byRegion = Object.fromEntries(metrics.regions.map((r) => [r.region, r.latest]));
    assert.deepEqual(byRegion.syd, {
      outcome: "down",
      httpStatus: 0,
      responseMs: 10_000,
      errorKind: "timeout",
      checkedAt: 1_700_000_010_000,
      scheduledAt: 1_700_000_000_000,
    });
    assert.equal(byRegion.ams, null);
    assert.equal(byRegion.iad, null);
  } finally {
    await server.close();
  }
});

Deno.test("checks page newest first, without duplicates or gaps, showing the last delivery", async () => {
  const { server, owner, website, insert } = await setUp();
  try {
    const now = Math.floor(Date.now() / 1000);
    const rows: CheckRow[] = [];
    for (let k = 0; k < 40; k++) {
      // The same scheduled time in every region, as the publisher enqueues it; ever wider
      // gaps, up to 52 days back, so pages need to look further back than a day.
      for (const region of REGIONS) rows.push(row(website.id, region, now - k * k * 3_000, k));
    }
    await insert(rows);
    // Redelivered later with another result: the later delivery is the one shown.
    const again = rows.filter((_, i) => i % 4 === 0).map((r) => ({
      ...r,
      checked_at: r.checked_at + 5,
      outcome: "down" as const,
      http_status: 0,
      error_kind: "timeout",
      error_message: "no answer within 10000 ms",
    }));
    await insert(again);

    const seen: string[] = [];
    const pages: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await owner.api.website.checks.query({ id: website.id, limit: 7, cursor });
      pages.push(page.checks.length);
      for (const check of page.checks) seen.push(`${check.scheduledAt}|${check.region}`);
      const redone = page.checks.filter((c) =>
        again.some((r) => r.scheduled_at * 1000 === c.scheduledAt && r.region_id === c.region)
      );
      for (const check of redone) {
        assert.equal(check.errorKind, "timeout");
        assert.equal(check.errorMessage, "no answer within 10000 ms");
        assert.equal(check.checkedAt, check.scheduledAt + 6_000);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);

    const expected = rows
      .map((r) => ({ at: r.scheduled_at * 1000, region: r.region_id }))
      .sort((a, b) => b.at - a.at || (a.region < b.region ? 1 : -1))
      .map((c) => `${c.at}|${c.region}`);
    assert.deepEqual(seen, expected);
    assert.deepEqual(pages, [...Array(17).fill(7), 1]);

    const first = await owner.api.website.checks.query({ id: website.id });
    assert.equal(first.checks.length, 50);
    assert.equal(
      await errorCode(owner.api.website.checks.query({ id: website.id, limit: 0 })),
      "BAD_REQUEST",
    );
    assert.equal(
      await errorCode(owner.api.website.checks.query({ id: website.id, cursor: "bm9wZQ" })),
      "BAD_REQUEST",
    );
  } finally {
    await server.close();
  }
});
