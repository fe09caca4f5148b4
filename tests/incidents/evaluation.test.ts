/**
 * The evaluation against real Postgres and Redis: concurrent batches from several
 * regions, redelivered batches, and the outbox relay retried after a crash.
 */
import assert from "node:assert/strict";
import { connectPostgres } from "../../db/postgres/client.ts";
import { evaluateStoredResults } from "../../services/incidents/evaluation/evaluate.ts";
import { relayIncidentEvents } from "../../services/incidents/evaluation/event_relay.ts";
import { checkRow as row, streamEvents } from "../helpers/incidents.ts";
import { type PipelineBed, pipelineBed } from "../helpers/pipeline.ts";

async function monitor(
  bed: PipelineBed,
  regions: string[],
  quorum: "any" | "half" | "all",
  confirmations = 1,
) {
  const [id] = await bed.addWebsites(1, {
    url: "https://example.com/",
    regions,
    quorum,
    confirmations,
  });
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

Deno.test("a failing check that ends after its monitor was paused raises no incident", async () => {
  const bed = await pipelineBed();
  try {
    const id = await monitor(bed, ["ams"], "any");
    // Paused while the check ran (a timeout takes up to a minute): nobody is paged for it.
    await bed.pg.sql`update websites set active = false where id = ${id}`;
    const paused = await evaluateStoredResults(bed.pg.sql, [row(id, "ams", 5, false)]);
    assert.equal(paused.events, 0);
    assert.equal((await bed.pg.sql`select 1 from incidents`).length, 0);
    assert.equal((await bed.pg.sql`select 1 from incident_outbox`).length, 0);
    // Resumed, its next failure opens the incident.
    await bed.pg.sql`update websites set active = true where id = ${id}`;
    const resumed = await evaluateStoredResults(bed.pg.sql, [row(id, "ams", 6, false)]);
    assert.equal(resumed.events, 1);
    assert.equal((await bed.pg.sql`select 1 from incidents`).length, 1);
  } finally {
    await bed.close();
  }
});

Deno.test("late results after newer up results that only moved the slot are ignored", async () => {
  const bed = await pipelineBed();
  try {
    const id = await monitor(bed, ["ams"], "any", 1);
    await evaluateStoredResults(bed.pg.sql, [row(id, "ams", 10, true)]);
    const summary = await evaluateStoredResults(bed.pg.sql, [
      row(id, "ams", 11, true),
      row(id, "ams", 12, true),
    ]);
    assert.equal(summary.settled, 2, "a region that is up takes the one-statement way");
    // Checked before slot 12 and stored after it (a slow check, a redelivery).
    await evaluateStoredResults(bed.pg.sql, [row(id, "ams", 11, true)]);
    await evaluateStoredResults(bed.pg.sql, [row(id, "ams", 11, false)]);
    assert.equal((await bed.pg.sql`select 1 from incidents`).length, 0);
    const [state] = await bed.pg.sql`select failing, last_slot from region_states`;
    assert.deepEqual([state.failing, Number(state.last_slot)], [false, 12]);
  } finally {
    await bed.close();
  }
});

Deno.test("an up result of a region that is up still opens the incident a lowered quorum calls for", async () => {
  const bed = await pipelineBed();
  try {
    const id = await monitor(bed, ["ams", "iad"], "all", 1);
    await evaluateStoredResults(bed.pg.sql, [row(id, "ams", 10, true), row(id, "iad", 10, false)]);
    assert.equal((await bed.pg.sql`select 1 from incidents`).length, 0, "one of two is not all");
    await bed.pg.sql`update websites set quorum = 'any' where id = ${id}`;
    const summary = await evaluateStoredResults(bed.pg.sql, [row(id, "ams", 11, true)]);
    assert.equal(summary.events, 1);
    const incidents = await bed.pg.sql`select regions from incidents where resolved_at is null`;
    assert.deepEqual(incidents.map((r) => r.regions), [["iad"]]);
  } finally {
    await bed.close();
  }
});

Deno.test("up results of one region and failures of another, in two workers at once, open one incident per monitor and lose no slot", async () => {
  const bed = await pipelineBed();
  // Two workers: ams's batches take the one-statement way, iad's the full evaluation, over
  // the same monitors and rows, at the same moments (locks in one order: no deadlock).
  const pools = [0, 1].map(() => connectPostgres(bed.env.DATABASE_URL, { max: 1 }));
  try {
    const ids = await bed.addWebsites(200, {
      url: "https://example.com/",
      regions: ["ams", "iad"],
      quorum: "any",
      confirmations: 2,
    });
    const batch = (region: string, slot: number, up: boolean) =>
      ids.map((id) => row(id, region, slot, up));
    for (const slot of [1, 2]) {
      await evaluateStoredResults(bed.pg.sql, [
        ...batch("ams", slot, true),
        ...batch("iad", slot, true),
      ]);
    }
    let settled = 0;
    for (let slot = 3; slot <= 8; slot++) {
      const [ams] = await Promise.all([
        evaluateStoredResults(pools[0].sql, batch("ams", slot, true)),
        evaluateStoredResults(pools[1].sql, batch("iad", slot, slot === 8)),
      ]);
      settled += ams.settled;
    }
    assert.ok(settled > 0, "ams's results took the one-statement way");
    await relayIncidentEvents(bed.pg.sql, bed.redis, bed.keys);
    const events = await streamEvents(bed);
    assert.equal(events.filter((e) => e.type === "opened").length, ids.length);
    const states = await bed.pg.sql`select region, last_slot from region_states`;
    assert.equal(states.length, 2 * ids.length);
    assert.ok(states.every((s) => Number(s.last_slot) === 8), "every region at its newest slot");
    const open = await bed.pg.sql`select regions from incidents where resolved_at is null`;
    assert.equal(open.length, ids.length, "iad up once of two: still open");
    assert.ok(open.every((r) => r.regions.join() === "iad"));
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
    await bed.close();
  }
});

Deno.test("up results waiting for a monitor another worker holds lock nothing after it (no deadlock)", async () => {
  const bed = await pipelineBed();
  const [holder, worker] = [0, 1].map(() => connectPostgres(bed.env.DATABASE_URL, { max: 1 }));
  try {
    const [first, second] =
      (await bed.addWebsites(2, { url: "https://example.com/", regions: ["ams"] }))
        .sort(); // the order Postgres sorts uuids in
    for (const slot of [1, 2]) {
      await evaluateStoredResults(bed.pg.sql, [
        row(first, "ams", slot, true),
        row(second, "ams", slot, true),
      ]);
    }
    const [{ pid }] = await worker.sql`select pg_backend_pid() as pid`;
    let evaluation: Promise<{ settled: number }> | undefined;
    await holder.sql.begin(async (tx) => {
      // As the full evaluation of another worker does: the rows of its monitors, in order.
      await tx`select 1 from region_states where website_id = ${first} for update`;
      evaluation = evaluateStoredResults(worker.sql, [
        row(second, "ams", 3, true),
        row(first, "ams", 3, true),
      ]);
      evaluation.catch(() => {}); // awaited below; a deadlock fails the test there
      const deadline = Date.now() + 10_000;
      while (
        !(await bed.pg.sql`select 1 from pg_stat_activity
          where pid = ${pid} and wait_event_type = 'Lock'`).length
      ) {
        if (Date.now() > deadline) throw new Error("the evaluation never waited for the lock");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // The waiting evaluation must not hold the second monitor meanwhile.
      await tx`set local lock_timeout = '3s'`;
      await tx`select 1 from region_states where website_id = ${second} for update`;
    });
    assert.equal((await evaluation!).settled, 2);
    const states = await bed.pg.sql`select last_slot from region_states`;
    assert.deepEqual(states.map((s) => Number(s.last_slot)), [3, 3]);
  } finally {
    await Promise.all([holder.close(), worker.close()]);
    await bed.close();
  }
});

Deno.test("an outage ending and the next one starting within one batch: one resolved, one open", async () => {
  const bed = await pipelineBed();
  try {
    const id = await monitor(bed, ["ams"], "any", 1);
    await evaluateStoredResults(bed.pg.sql, [row(id, "ams", 10, false)]);
    const summary = await evaluateStoredResults(bed.pg.sql, [
      row(id, "ams", 11, true),
      row(id, "ams", 12, false),
    ]);
    assert.equal(summary.events, 2);
    const incidents = await bed.pg.sql`select started_at, resolved_at is null as open
      from incidents order by started_at`;
    assert.deepEqual(incidents.map((r) => r.open), [false, true]);
  } finally {
    await bed.close();
  }
});
