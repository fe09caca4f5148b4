/**
 * "Up since" and "down since": each region's current run found in ClickHouse, and the
 * monitor's state from its regions (lib/monitor_status.ts).
 */
import assert from "node:assert/strict";
import { apiServer } from "../helpers/api.ts";
import { websiteRegionRuns } from "../../services/websites/region_runs.ts";
import { monitorState, nextRun } from "../../lib/monitor_status.ts";
import { sql } from "../../db/clickhouse/sql.ts";

Deno.test("a region's run starts at the first check after the other outcome", async () => {
  const server = await apiServer({ REGIONS: "ams,iad,syd", REGION: "ams" });
  try {
    const owner = await server.user("owner");
    const website = await owner.api.website.create.mutate({ url: "https://example.com/" });
    const t0 = Math.floor(Date.now() / 1000 / 60) * 60 - 3_600;
    const row = (region: string, minute: number, outcome: "up" | "down", ms = 100) => ({
      website_id: website.id,
      region_id: region,
      scheduled_at: t0 + minute * 60,
      checked_at: t0 + minute * 60 + 1,
      outcome,
      http_status: outcome === "up" ? 200 : 503,
      response_ms: ms,
      error_kind: outcome === "up" ? "" : "status",
      error_message: "",
    });
    const rows = [
      // ams failed twice and recovered at minute 4.
      row("ams", 0, "up"),
      row("ams", 1, "up"),
      row("ams", 2, "down"),
      row("ams", 3, "down"),
      row("ams", 4, "up"),
      row("ams", 5, "up", 321),
      // iad never failed: its run is its whole history.
      row("iad", 1, "up"),
      row("iad", 5, "up"),
      // syd is failing since minute 5.
      row("syd", 0, "up"),
      row("syd", 5, "down"),
    ];
    await server.bed.ch.insert(sql`checks`, rows);
    // A redelivered check is one check.
    await server.bed.ch.insert(sql`checks`, [row("ams", 4, "up")]);

    const runs = await websiteRegionRuns(server.services, {
      userId: owner.user.id,
      accountId: owner.user.id,
    }, {
      id: website.id,
    });
    const at = (minute: number) => (t0 + minute * 60) * 1000;
    assert.deepEqual(runs.map((r) => [r.region, r.outcome, r.since, r.scheduledAt]), [
      ["ams", "up", at(4), at(5)],
      ["iad", "up", at(1), at(5)],
      ["syd", "down", at(5), at(5)],
    ]);
    assert.equal(runs[0].responseMs, 321);
    assert.equal(runs[0].checkedAt, at(5) + 1000);

    // Paused and resumed: no run reaches back past the resume, however long it was.
    await owner.api.website.setActive.mutate({ id: website.id, active: false });
    const resumeFrom = Date.now();
    await owner.api.website.setActive.mutate({ id: website.id, active: true });
    await server.bed.ch.insert(sql`checks`, [row("iad", 61, "up")]);
    const resumed = await websiteRegionRuns(server.services, {
      userId: owner.user.id,
      accountId: owner.user.id,
    }, {
      id: website.id,
    });
    const iad = resumed.find((r) => r.region === "iad")!;
    assert.ok(
      iad.since >= resumeFrom && iad.since <= Date.now(),
      `iad up since the resume, not minute 1: ${new Date(iad.since).toISOString()}`,
    );
    // Resuming a monitor that runs already moves nothing.
    await owner.api.website.setActive.mutate({ id: website.id, active: true });
    const again = await websiteRegionRuns(server.services, {
      userId: owner.user.id,
      accountId: owner.user.id,
    }, {
      id: website.id,
    });
    assert.equal(again.find((r) => r.region === "iad")!.since, iad.since);

    const other = await server.user("other");
    await assert.rejects(
      websiteRegionRuns(server.services, { userId: other.user.id, accountId: other.user.id }, {
        id: website.id,
      }),
      /Website not found/,
    );
  } finally {
    await server.close();
  }
});

Deno.test("the monitor's state and since when follow its reporting regions", () => {
  const now = 1_800_000_000_000;
  const region = (name: string, outcome: "up" | "down", since: number, checkedAt = now) => ({
    run: { region: name, outcome, since },
    latest: { outcome, checkedAt },
  });
  assert.deepEqual(
    monitorState([region("ams", "up", 10), region("iad", "up", 20)], true, 60, now),
    {
      status: "up",
      since: 20,
    },
  );
  assert.deepEqual(
    monitorState([region("ams", "down", 10), region("iad", "down", 20)], true, 60, now),
    { status: "down", since: 20 },
  );
  assert.deepEqual(
    monitorState(
      [region("ams", "down", 30), region("iad", "up", 5), region("syd", "down", 10)],
      true,
      60,
      now,
    ),
    { status: "degraded", since: 10 },
  );
  // A region silent for more than three intervals does not count.
  assert.deepEqual(
    monitorState([region("ams", "up", 10), region("iad", "down", 5, now - 181_000)], true, 60, now),
    { status: "up", since: 10 },
  );
  assert.deepEqual(monitorState([region("ams", "down", 10)], false, 60, now), {
    status: "paused",
    since: null,
  });
  assert.deepEqual(monitorState([{ run: null, latest: null }], true, 60, now), {
    status: "nodata",
    since: null,
  });

  const run = { region: "ams", outcome: "up" as const, since: 100 };
  assert.equal(nextRun(run, { region: "ams", outcome: "up", scheduledAt: 200 }), run);
  assert.deepEqual(nextRun(run, { region: "ams", outcome: "down", scheduledAt: 200 }), {
    region: "ams",
    outcome: "down",
    since: 200,
  });
  assert.equal(nextRun(run, { region: "ams", outcome: "down", scheduledAt: 50 }), run);
});
