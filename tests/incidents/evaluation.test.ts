/**
 * The evaluation against real Postgres and Redis: concurrent batches from several
 * regions, redelivered batches, and the outbox relay retried after a crash.
 */
import assert from "node:assert/strict";
import { connectPostgres } from "../../db/postgres/client.ts";
import { incidentEventSchema } from "../../lib/incident_event.ts";
import { evaluateStoredResults } from "../../worker/evaluation/evaluate.ts";
import { relayIncidentEvents } from "../../worker/evaluation/event_relay.ts";
import type { CheckRow } from "../../worker/result_store.ts";
import { type PipelineBed, pipelineBed } from "../helpers/pipeline.ts";

function row(websiteId: string, region: string, slot: number, up: boolean): CheckRow {
  return {
    website_id: websiteId,
    region_id: region,
    scheduled_at: slot,
    checked_at: slot,
    outcome: up ? "up" : "down",
    http_status: up ? 200 : 503,
    response_ms: 12,
    error_kind: up ? "" : "status",
    error_message: up ? "" : "expected 2xx or 3xx, got 503",
  };
}

async function streamEvents(bed: PipelineBed) {
  const entries = await bed.redis.xrange(bed.keys.incidentEvents, "-", "+");
  return entries.map(([, fields]) => incidentEventSchema.parse(JSON.parse(fields[1])));
}

async function monitor(bed: PipelineBed, regions: string[], quorum: string, confirmations = 1) {
  const [id] = await bed.addWebsites(1, { url: "https://example.com/", regions });
  await bed.pg.sql`update websites set quorum = ${quorum}::quorum,
    confirmations = ${confirmations} where id = ${id}`;
  return id;
}

Deno.test("eight regions failing at the same moment in eight workers open exactly one incident", async () => {
  const bed = await pipelineBed();
  const regions = ["r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8"];
  // A connection pool per "worker", so the batches really run at the same time.
  const pools = regions.map(() => connectPostgres(bed.env.DATABASE_URL, { max: 1 }));
  try {
    const id = await monitor(bed, regions, "any");
    for (let round = 0; round < 5; round++) {
      const slot = 1_000 + round;
      await Promise.all(
        regions.map((region, i) =>
          evaluateStoredResults(pools[i].sql, [row(id, region, slot, false)])
        ),
      );
    }
    await relayIncidentEvents(bed.pg.sql, bed.redis, bed.keys);
    const incidents = await bed.pg.sql`select regions, resolved_at from incidents`;
    assert.equal(incidents.length, 1);
    assert.deepEqual(incidents[0].regions, regions);
    const events = await streamEvents(bed);
    assert.deepEqual(events.map((e) => e.type), ["opened"]);
    assert.equal(events[0].websiteId, id);
    assert.equal(events[0].cause.httpStatus, 503);
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
    await bed.close();
  }
});

Deno.test("a batch applied twice (redelivered after a crash) counts once", async () => {
  const bed = await pipelineBed();
  try {
    const id = await monitor(bed, ["ams"], "any", 2);
    const first = [row(id, "ams", 100, false)];
    await evaluateStoredResults(bed.pg.sql, first);
    await evaluateStoredResults(bed.pg.sql, first);
    assert.equal((await bed.pg.sql`select 1 from incidents`).length, 0, "one failure, not two");
    await evaluateStoredResults(bed.pg.sql, [row(id, "ams", 101, false)]);
    assert.equal((await bed.pg.sql`select 1 from incidents`).length, 1);
    const [state] = await bed.pg.sql`select failures, last_slot from region_states`;
    assert.deepEqual([state.failures, Number(state.last_slot)], [2, 101]);
  } finally {
    await bed.close();
  }
});

Deno.test("an event relayed again after a crash before the outbox commit is on the stream once", async () => {
  const bed = await pipelineBed();
  try {
    const id = await monitor(bed, ["ams"], "any");
    await evaluateStoredResults(bed.pg.sql, [row(id, "ams", 10, false)]);
    await evaluateStoredResults(bed.pg.sql, [row(id, "ams", 11, true)]);
    const outbox = await bed.pg.sql`select id, event::text as event from incident_outbox`;
    assert.equal(outbox.length, 2);
    assert.equal(await relayIncidentEvents(bed.pg.sql, bed.redis, bed.keys), 2);
    // As if the relay had died after its XADD and before deleting the rows.
    for (const { id, event } of outbox) {
      await bed.pg.sql`insert into incident_outbox (id, event) values (${id}, ${event}::jsonb)`;
    }
    await relayIncidentEvents(bed.pg.sql, bed.redis, bed.keys);
    const events = await streamEvents(bed);
    assert.deepEqual(events.map((e) => e.type), ["opened", "resolved"]);
    assert.equal(events[0].id, `${events[0].incidentId}:opened`);
    assert.equal(events[1].resolvedAt, 11_000);
    assert.equal((await bed.pg.sql`select 1 from incident_outbox`).length, 0);
  } finally {
    await bed.close();
  }
});

Deno.test("results of a deleted website are skipped, the batch still applies", async () => {
  const bed = await pipelineBed();
  try {
    const gone = await monitor(bed, ["ams"], "any");
    const kept = await monitor(bed, ["ams"], "any");
    await bed.pg.sql`delete from websites where id = ${gone}`;
    const summary = await evaluateStoredResults(bed.pg.sql, [
      row(gone, "ams", 5, false),
      row(kept, "ams", 5, false),
    ]);
    assert.equal(summary.events, 1);
    const incidents = await bed.pg.sql`select website_id from incidents`;
    assert.deepEqual(incidents.map((r) => r.website_id), [kept]);
  } finally {
    await bed.close();
  }
});
