/**
 * The monitors table's 24-hour uptime: published for every website once a minute by the
 * publisher, read with one HMGET, and the same figure the table computes itself when
 * nothing was published.
 */
import assert from "node:assert/strict";
import { apiServer } from "../helpers/api.ts";
import { seedRows } from "../helpers/seed_checks.ts";
import { rollUpRecentHours } from "../../db/clickhouse/rollup.ts";
import { readUptime24h, refreshUptime24h } from "../../services/uptime/uptime_24h.ts";
import { websiteOverview } from "../../services/websites/overview.ts";
import { sql } from "../../db/clickhouse/sql.ts";

Deno.test("published 24-hour uptime equals the figure computed on demand, and expires", async () => {
  const server = await apiServer({ REGIONS: "ams,iad" });
  try {
    const { api, user } = await server.user("uptime");
    const website = await api.website.create.mutate({ url: "https://example.com/", name: "Shop" });
    const quiet = await api.website.create.mutate({ url: "https://quiet.example.com/" });
    const now = Date.now();
    await server.bed.ch.insert(sql`checks`, seedRows(website.id, Math.floor(now / 1000)));
    await rollUpRecentHours(server.bed.ch);
    const actor = { userId: user.id, accountId: user.id };
    const { keys, redis } = server.services;

    assert.equal(await readUptime24h(redis, keys, [website.id]), null, "nothing published yet");
    const computed = await websiteOverview(server.services, actor, {}, now);
    const row = computed.rows.find((r) => r.id === website.id)!;
    // 72 checks, 3 of them down.
    assert.equal(row.uptime24h, Math.round((69 / 72) * 100_000) / 1000);

    assert.equal(await refreshUptime24h(server.bed.ch, redis, keys, now), 1);
    const published = await readUptime24h(redis, keys, [website.id, quiet.id]);
    assert.deepEqual(published, new Map([[website.id, row.uptime24h], [quiet.id, null]]));
    const table = await websiteOverview(server.services, actor, {}, now);
    assert.equal(table.rows.find((r) => r.id === website.id)!.uptime24h, row.uptime24h);
    assert.equal(table.rows.find((r) => r.id === quiet.id)!.uptime24h, null);

    const ttl = await redis.ttl(keys.uptime24h);
    assert.ok(ttl > 0 && ttl <= 180, `expires (ttl ${ttl})`);
  } finally {
    await server.close();
  }
});
