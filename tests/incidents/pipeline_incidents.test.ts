/**
 * Incidents end to end, with the publisher and workers as real processes: a quorum over
 * two regions, a flapping target, and workers killed with SIGKILL in the middle of an
 * outage. Every transition must be on the incident stream exactly once.
 */
import assert from "node:assert/strict";
import { streamEvents } from "../helpers/incidents.ts";
import { eventually, type PipelineBed, pipelineBed, startTarget } from "../helpers/pipeline.ts";
import { spawnProcess } from "../helpers/processes.ts";
import { literal, sql } from "../../db/clickhouse/sql.ts";

/** A monitor checked every second. */
async function monitor(
  bed: PipelineBed,
  url: string,
  regions: string[],
  settings: { quorum: "any" | "half" | "all"; confirmations: number },
) {
  const [id] = await bed.addWebsites(1, {
    url,
    regions,
    intervalSeconds: 1,
    timeoutMs: 3_000,
    ...settings,
  });
  return id;
}

/** Stored outcomes of one region, oldest slot first (one per slot). */
async function outcomes(bed: PipelineBed, websiteId: string, region: string) {
  const rows = await bed.ch.rows<{ outcome: string }>(
    sql`SELECT any(outcome) AS outcome FROM checks
     WHERE website_id = ${literal.uuid(websiteId)} AND region_id = ${literal.string(region)}
     GROUP BY scheduled_at ORDER BY scheduled_at`,
  );
  return rows.map((r) => r.outcome);
}

const count = (list: string[], outcome: string) => list.filter((o) => o === outcome).length;

Deno.test("quorum all over two regions: one failing region opens nothing; both open one incident, resolved once", async () => {
  const bed = await pipelineBed();
  let healthy = true;
  const target = startTarget(() => new Response("ok", { status: healthy ? 200 : 503 }));
  const env = { ...bed.env, PUBLISHER_TICK_MS: "200" };
  const publisher = spawnProcess("publisher/main.ts", env);
  const ams = spawnProcess("worker/main.ts", { ...env, REGION: "ams" });
  // iad's worker may not reach loopback: every check there fails ("blocked"), for real.
  const iad = spawnProcess("worker/main.ts", {
    ...env,
    REGION: "iad",
    ALLOW_PRIVATE_TARGETS: "false",
  });
  try {
    await Promise.all([
      ams.waitFor("worker.started", 60_000),
      iad.waitFor("worker.started", 60_000),
    ]);
    const id = await monitor(bed, target.url, ["ams", "iad"], {
      quorum: "all",
      confirmations: 2,
    });
    await eventually(
      async () =>
        count(await outcomes(bed, id, "ams"), "up") >= 4 &&
        count(await outcomes(bed, id, "iad"), "down") >= 4,
      30_000,
      "iad failing while ams is up",
    );
    const [iadState] = await bed.pg.sql`
      select failing from region_states where website_id = ${id} and region = 'iad'`;
    assert.equal(iadState.failing, true, "iad counts as failing");
    assert.deepEqual(await streamEvents(bed), [], "one failing region of two is no incident");
    assert.equal((await bed.pg.sql`select 1 from incidents`).length, 0);

    healthy = false;
    await eventually(async () => (await streamEvents(bed)).length === 1, 30_000, "opened");
    healthy = true;
    await eventually(async () => (await streamEvents(bed)).length === 2, 30_000, "resolved");
    // A few more slots: nothing else may follow.
    const upBefore = count(await outcomes(bed, id, "ams"), "up");
    await eventually(
      async () => count(await outcomes(bed, id, "ams"), "up") >= upBefore + 3,
      30_000,
      "three more checks",
    );
    const events = await streamEvents(bed);
    assert.deepEqual(events.map((e) => e.type), ["opened", "resolved"]);
    assert.equal(events[0].incidentId, events[1].incidentId);
    assert.deepEqual(events[0].failingRegions, ["ams", "iad"]);
    assert.equal(events[0].totalRegions, 2);
    assert.equal(events[0].cause.httpStatus, 503, "dated from ams's failure, not iad's");
    const incidents = await bed.pg.sql`select regions, resolved_at is not null as resolved
      from incidents`;
    assert.deepEqual(incidents.map((r) => ({ ...r })), [{
      regions: ["ams", "iad"],
      resolved: true,
    }]);
    assert.equal((await bed.pg.sql`select 1 from incident_outbox`).length, 0);
  } finally {
    await Promise.all([ams.stop(), iad.stop(), publisher.stop()]);
    await target.close();
    await bed.close();
  }
});

Deno.test("a target alternating up and down on every check opens no incident (confirmations 2)", async () => {
  const bed = await pipelineBed();
  let requests = 0;
  const target = startTarget(() => new Response("flap", { status: requests++ % 2 ? 200 : 500 }));
  const env = { ...bed.env, PUBLISHER_TICK_MS: "200", REGION: "ams" };
  const publisher = spawnProcess("publisher/main.ts", env);
  const worker = spawnProcess("worker/main.ts", env);
  try {
    await worker.waitFor("worker.started", 60_000);
    const id = await monitor(bed, target.url, ["ams"], { quorum: "any", confirmations: 2 });
    await eventually(
      async () => (await outcomes(bed, id, "ams")).length >= 12,
      40_000,
      "12 checks",
    );
    const seen = await outcomes(bed, id, "ams");
    assert.ok(count(seen, "down") >= 5 && count(seen, "up") >= 5, seen.join(","));
    // The premise: never two failures in a row, so never a failing region.
    assert.ok(!seen.join(",").includes("down,down"), seen.join(","));
    assert.deepEqual(await streamEvents(bed), []);
    assert.equal((await bed.pg.sql`select 1 from incidents`).length, 0);
  } finally {
    await Promise.all([worker.stop(), publisher.stop()]);
    await target.close();
    await bed.close();
  }
});

Deno.test("workers SIGKILLed mid-outage: the incident is opened once and resolved once", async () => {
  const bed = await pipelineBed();
  let healthy = true;
  // Slow answers keep checks in flight when a worker dies.
  const target = startTarget(async () => {
    await new Promise((resolve) => setTimeout(resolve, 400));
    return new Response("ok", { status: healthy ? 200 : 503 });
  });
  const env = { ...bed.env, PUBLISHER_TICK_MS: "200", REGION: "ams" };
  const publisher = spawnProcess("publisher/main.ts", env);
  const workers = [spawnProcess("worker/main.ts", env)];
  try {
    await workers[0].waitFor("worker.started", 60_000);
    const id = await monitor(bed, target.url, ["ams"], { quorum: "any", confirmations: 2 });
    await eventually(
      async () => count(await outcomes(bed, id, "ams"), "up") >= 2,
      30_000,
      "two checks up",
    );

    healthy = false;
    await eventually(
      async () => count(await outcomes(bed, id, "ams"), "down") >= 1,
      30_000,
      "the first failure",
    );
    // Killed between the first failure and its confirmation.
    assert.equal((await workers[0].stop("SIGKILL")).signal, "SIGKILL");
    workers.push(spawnProcess("worker/main.ts", env));
    await eventually(async () => (await streamEvents(bed)).length >= 1, 30_000, "opened");
    // Killed while the incident is open.
    assert.equal((await workers[1].stop("SIGKILL")).signal, "SIGKILL");
    workers.push(spawnProcess("worker/main.ts", env));
    await workers[2].waitFor("worker.started", 60_000);
    const downBefore = count(await outcomes(bed, id, "ams"), "down");
    await eventually(
      async () => count(await outcomes(bed, id, "ams"), "down") >= downBefore + 2,
      30_000,
      "the outage going on under the third worker",
    );

    healthy = true;
    await eventually(async () => (await streamEvents(bed)).length >= 2, 30_000, "resolved");
    const upBefore = count(await outcomes(bed, id, "ams"), "up");
    await eventually(
      async () => count(await outcomes(bed, id, "ams"), "up") >= upBefore + 3,
      30_000,
      "three more checks",
    );
    const events = await streamEvents(bed);
    assert.deepEqual(events.map((e) => e.type), ["opened", "resolved"]);
    assert.equal(events[0].incidentId, events[1].incidentId);
    const incidents = await bed.pg.sql`select resolved_at is not null as resolved from incidents`;
    assert.deepEqual(incidents.map((r) => r.resolved), [true]);
  } finally {
    await Promise.all([...workers.map((w) => w.stop()), publisher.stop()]);
    await target.close();
    await bed.close();
  }
});
