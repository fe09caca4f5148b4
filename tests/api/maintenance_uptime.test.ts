/**
 * Checks under maintenance count for no uptime, either way: a real worker checks a local
 * target that fails, one monitor in a window and one not, and a heartbeat monitor in the
 * window misses its beat. The dashboard's figures, its daily bars, the hourly rollup, the
 * monitors table and the status page leave the window's checks out and say so.
 */
import assert from "node:assert/strict";
import { apiServer } from "../helpers/api.ts";
import { eventually, publisherFor, startTarget, startWorker } from "../helpers/pipeline.ts";
import { sweepMissedHeartbeats } from "../../publisher/heartbeats.ts";
import { rollUpRecentHours } from "../../db/clickhouse/rollup.ts";
import { sql } from "../../db/clickhouse/sql.ts";

const HOUR = 3_600_000;

Deno.test("checks during maintenance are stored but count for no uptime, on every screen", async () => {
  const target = startTarget(() => new Response("down for upgrade", { status: 503 }));
  const server = await apiServer({ REGIONS: "ams" });
  const worker = startWorker(server.bed, "ams");
  try {
    const { api, fetch: signedIn } = await server.user("ops");
    const monitor = (name: string) =>
      api.website.create.mutate({ url: target.url, name, intervalSeconds: 60, confirmations: 1 });
    const upgraded = await monitor("Upgraded");
    const other = await monitor("Other");
    const job = await api.website.create.mutate({
      type: "heartbeat",
      name: "Nightly job",
      intervalSeconds: 3_600,
      confirmations: 1,
    });
    const window = await api.maintenance.create.mutate({
      title: "Upgrade",
      startsAt: Date.now(),
      endsAt: Date.now() + HOUR,
      websiteIds: [upgraded.id, job.id],
    });
    // Begun a minute ago: results carry whole seconds, and one in the second the window
    // began may fall before it.
    await server.bed.pg.sql`update maintenances
      set starts_at = starts_at - interval '1 minute' where id = ${window.id}`;

    assert.equal((await publisherFor(server.bed).runCycle()).tasks, 2);
    await server.bed.pg.sql`
      update websites set next_check_at = now() - interval '2 seconds' where id = ${job.id}`;
    assert.equal(
      await sweepMissedHeartbeats({ ...server.services, defaultIntervalSeconds: 180 }, new Date()),
      1,
    );
    const stored = () =>
      server.bed.ch.rows<{ name: string; outcome: string; maintenance: number }>(
        sql`SELECT website_id AS name, outcome, maintenance FROM checks FINAL ORDER BY name`,
      );
    await eventually(async () => (await stored()).length === 3, 20_000, "three results");
    const names = new Map([[upgraded.id, "upgraded"], [other.id, "other"], [job.id, "job"]]);
    assert.deepEqual(
      (await stored()).map((row) => [names.get(row.name), row.outcome, Number(row.maintenance)])
        .sort(),
      [["job", "down", 1], ["other", "down", 0], ["upgraded", "down", 1]],
      "stored, and marked when their monitor was under maintenance",
    );
    // Still a failure to see in the monitor's checks, but no incident and no downtime.
    const checks = (await api.website.checks.query({ id: upgraded.id })).checks;
    assert.deepEqual(checks.map((check) => check.outcome), ["down"]);
    await eventually(
      async () => (await api.incident.list.query()).incidents.length === 1,
      10_000,
      "the other monitor's incident",
    );
    assert.deepEqual(
      (await api.incident.list.query()).incidents.map((incident) => incident.websiteId),
      [other.id],
    );

    for (const range of ["24h", "7d"] as const) {
      if (range === "7d") await rollUpRecentHours(server.bed.ch);
      const inWindow = await api.website.metrics.query({ id: upgraded.id, range });
      assert.deepEqual(
        [inWindow.checks, inWindow.maintenance, inWindow.uptime],
        [0, 1, null],
        `${range}: no check counts, so no uptime (not 0 %)`,
      );
      const today = inWindow.daily.at(-1)!;
      assert.deepEqual([today.checks, today.maintenance, today.uptime], [0, 1, null]);
      const outside = await api.website.metrics.query({ id: other.id, range });
      assert.deepEqual([outside.checks, outside.uptime], [1, 0], `${range}: the other one is down`);
      assert.equal(outside.daily.at(-1)!.maintenance, 0);
    }
    // The monitor's page: figures of a range that was all maintenance, not "first checks".
    const monitorPage = await (await signedIn(`${server.url}/app/monitors/${upgraded.id}`)).text();
    assert.ok(!monitorPage.includes("data-first-checks"), "not waiting for its first checks");
    assert.match(
      monitorPage.split('data-tile="Uptime"')[1]?.slice(0, 800) ?? "",
      /no data.*under maintenance/s,
      "the uptime tile says why it has none",
    );
    assert.ok(!monitorPage.includes("No checks in this range yet"), "the chart is drawn");
    const hourly = await server.bed.ch.rows<{ id: string; n: number; m: number }>(
      sql`SELECT website_id AS id, checks AS n, maintenance_checks AS m FROM checks_hourly FINAL`,
    );
    assert.deepEqual(
      hourly.map((row) => [names.get(row.id), Number(row.n), Number(row.m)]).sort(),
      [["job", 0, 1], ["other", 1, 0], ["upgraded", 0, 1]],
    );

    const table = await api.website.overview.query({});
    const uptime24h = new Map(table.rows.map((row) => [row.id, row.uptime24h]));
    assert.deepEqual(
      [uptime24h.get(upgraded.id), uptime24h.get(job.id), uptime24h.get(other.id)],
      [null, null, 0],
    );

    const page = await api.statusPage.create.mutate({
      slug: `acme-${crypto.randomUUID().slice(0, 8)}`,
      title: "Acme",
      websiteIds: [upgraded.id, other.id],
    });
    const shown = await api.statusPage.public.query({ slug: page.slug });
    const bars = new Map(shown.monitors.map((m) => [m.id, m]));
    assert.deepEqual(
      [bars.get(upgraded.id)!.uptime90d, bars.get(upgraded.id)!.bars.at(-1)!.maintenance],
      [null, 1],
    );
    assert.equal(bars.get(other.id)!.uptime90d, 0);
    const html = await (await fetch(`${server.url}/status/${page.slug}`)).text();
    const today = new Date().toISOString().slice(0, 10);
    assert.ok(html.includes(`title="${today}: under maintenance"`), "the day's bar says why");
    assert.ok(html.includes(`title="${today}: 0.00% uptime"`), "the other monitor's day is down");
  } finally {
    await worker.stop();
    await server.close();
    await target.close();
  }
});
