/** The incident rules alone: confirmations, quorum, ordering and idempotency. */
import assert from "node:assert/strict";
import {
  type CheckResult,
  evaluateMonitor,
  type Monitor,
  type OpenIncident,
  regionsNeeded,
  type RegionState,
} from "../../services/incidents/evaluation/transitions.ts";

const down = (region: string, slot: number, message = "connection refused"): CheckResult => ({
  region,
  slot,
  checkedAt: slot * 1000,
  up: false,
  cause: { errorKind: "connect", errorMessage: message, httpStatus: 0 },
});
const up = (region: string, slot: number): CheckResult => ({
  region,
  slot,
  checkedAt: slot * 1000,
  up: true,
  cause: { errorKind: "", errorMessage: "", httpStatus: 200 },
});

/** Feeds results one evaluation at a time, as separate batches would, carrying state. */
function feed(monitor: Monitor, batches: CheckResult[][]) {
  const states = new Map<string, RegionState>();
  let open: OpenIncident | null = null;
  const log: string[] = [];
  for (const batch of batches) {
    const outcome = evaluateMonitor(monitor, states, open, batch);
    for (const [region, state] of outcome.changed) states.set(region, state);
    for (const t of outcome.transitions) {
      log.push(
        `${t.type}@${t.type === "resolved" ? t.at / 1000 : t.incident.startedAt / 1000} ${
          t.regions.join(",")
        }`,
      );
    }
    open = outcome.open ? { ...outcome.open, id: outcome.open.id ?? "incident" } : null;
  }
  return { log, states, open };
}

Deno.test("quorum: any one region, at least half (rounded up), or all", () => {
  assert.equal(regionsNeeded("any", 5), 1);
  assert.equal(regionsNeeded("half", 1), 1);
  assert.equal(regionsNeeded("half", 2), 1);
  assert.equal(regionsNeeded("half", 3), 2);
  assert.equal(regionsNeeded("half", 4), 2);
  assert.equal(regionsNeeded("all", 3), 3);
});

Deno.test("a region fails after N failures in a row and recovers after N successes", () => {
  const monitor: Monitor = { regions: ["ams"], confirmations: 3, quorum: "any" };
  const { log } = feed(monitor, [
    [down("ams", 10)],
    [down("ams", 20)],
    [up("ams", 30)], // streak broken: still up
    [down("ams", 40)],
    [down("ams", 50)],
    [down("ams", 60)], // third in a row: opens, dated from the streak's first failure
    [up("ams", 70)],
    [up("ams", 80)],
    [down("ams", 90)], // not yet recovered; the incident goes on
    [up("ams", 100)],
    [up("ams", 110)],
    [up("ams", 120)], // third success in a row: resolved
  ]);
  assert.deepEqual(log, ["opened@40 ams", "resolved@120 ams"]);
});

Deno.test("with confirmations 2, a target alternating up and down opens nothing", () => {
  const monitor: Monitor = { regions: ["ams", "iad"], confirmations: 2, quorum: "any" };
  const batches = Array.from({ length: 40 }, (_, i) => [
    i % 2 ? up("ams", i + 1) : down("ams", i + 1),
    i % 2 ? down("iad", i + 1) : up("iad", i + 1),
  ]);
  assert.deepEqual(feed(monitor, batches).log, []);
});

Deno.test("quorum all over two regions: one failing region is no incident, both are one", () => {
  const monitor: Monitor = { regions: ["ams", "iad"], confirmations: 2, quorum: "all" };
  const { log } = feed(monitor, [
    [down("iad", 10), up("ams", 10)],
    [down("iad", 20), up("ams", 20)],
    [down("iad", 30), up("ams", 30)], // iad failing alone
    [down("iad", 40), down("ams", 40, "503")],
    [down("iad", 50), down("ams", 50)], // both failing: dated from ams's first failure
    [down("iad", 60), down("ams", 60)],
    [down("iad", 70), up("ams", 70)],
    [down("iad", 80), up("ams", 80)], // ams recovered: below quorum
  ]);
  assert.deepEqual(log, ["opened@40 ams,iad", "resolved@80 ams,iad"]);
});

Deno.test("the cause is that of the check the outage is dated from", () => {
  const monitor: Monitor = { regions: ["ams", "iad", "syd"], confirmations: 1, quorum: "half" };
  const outcome = evaluateMonitor(monitor, new Map(), null, [
    down("syd", 5, "timeout in syd"),
    down("ams", 7, "refused in ams"),
  ]);
  const [opened] = outcome.transitions;
  assert.equal(opened.incident.startedAt, 7_000);
  assert.equal(opened.incident.cause.errorMessage, "refused in ams");
  assert.deepEqual(opened.regions, ["ams", "syd"]);
});

Deno.test("a redelivered or older slot is ignored; regions may report out of order", () => {
  const monitor: Monitor = { regions: ["ams", "iad"], confirmations: 2, quorum: "all" };
  const { log, states } = feed(monitor, [
    [down("ams", 10)],
    [down("ams", 10)], // redelivered: must not count as the second failure
    [up("ams", 5)], // late: must not break the streak
    [down("iad", 20), down("iad", 10)], // iad's slots arrive out of order in one batch
    [down("ams", 20)],
  ]);
  assert.deepEqual(log, ["opened@10 ams,iad"]);
  assert.equal(states.get("ams")!.lastSlot, 20);
});

Deno.test("one batch holding a whole outage opens and resolves it, in slot order", () => {
  const monitor: Monitor = { regions: ["ams"], confirmations: 1, quorum: "any" };
  const outcome = evaluateMonitor(monitor, new Map(), null, [
    up("ams", 30),
    down("ams", 20),
    up("ams", 10),
  ]);
  assert.deepEqual(outcome.transitions.map((t) => t.type), ["opened", "resolved"]);
  assert.equal(outcome.open, null);
});

Deno.test("regions that join an open incident are recorded; removed regions do not count", () => {
  const monitor: Monitor = { regions: ["ams", "iad", "syd"], confirmations: 1, quorum: "any" };
  const { open } = feed(monitor, [[down("ams", 10)], [down("iad", 20)], [down("fra", 30)]]);
  assert.deepEqual(open!.regions, ["ams", "iad"]);
});

Deno.test("an up result leaves a region that is up as it was, after an outage too (only its slot moves)", () => {
  const monitor: Monitor = { regions: ["ams"], confirmations: 2, quorum: "any" };
  const { states } = feed(monitor, [
    [up("ams", 10)],
    [down("ams", 20)],
    [down("ams", 30)],
    [up("ams", 40)],
    [up("ams", 50)], // recovered
  ]);
  const recovered = states.get("ams")!;
  const outcome = evaluateMonitor(monitor, states, null, [up("ams", 60)]);
  assert.deepEqual(outcome.changed.get("ams"), { ...recovered, lastSlot: 60 });
  assert.deepEqual(outcome.transitions, []);
  const fresh = evaluateMonitor(monitor, new Map(), null, [up("ams", 10)]).changed.get("ams")!;
  assert.deepEqual([fresh.failures, fresh.successes, fresh.failing], [0, 0, false]);
});

Deno.test("maintenance: nothing opens in a window; after it, the next failure opens, dated from the last window's end", () => {
  const monitor: Monitor = {
    regions: ["ams"],
    confirmations: 2,
    quorum: "any",
    // Back to back: 100–200 s, then 200–300 s.
    maintenance: [
      { startsAt: 100_000, endsAt: 200_000 },
      { startsAt: 200_000, endsAt: 300_000 },
    ],
  };
  // The streak began before the first window and was confirmed inside it.
  assert.deepEqual(
    feed(monitor, [[down("ams", 90)], [down("ams", 150)], [down("ams", 250)], [down("ams", 310)]])
      .log,
    ["opened@300 ams"],
  );
  // Another region's passing check after a window opens nothing; a failed one does.
  assert.deepEqual(
    feed({ ...monitor, regions: ["ams", "iad", "sfo"], quorum: "half" }, [
      [down("ams", 150), down("iad", 150)],
      [down("ams", 160), down("iad", 160)],
      [up("sfo", 305)],
      [down("iad", 310)],
    ]).log,
    ["opened@300 ams,iad"],
  );
  // Up at its first check after the windows: on its way back, nothing opens or resolves.
  assert.deepEqual(
    feed(monitor, [[down("ams", 150)], [down("ams", 160)], [up("ams", 310)], [up("ams", 320)]])
      .log,
    [],
  );
});
