import assert from "node:assert/strict";
import { type PipelineBed, pipelineBed, publisherFor } from "./helpers/pipeline.ts";
import { untilNextTick } from "../publisher/publisher.ts";
import { slotOffset } from "../publisher/due_websites.ts";
import { decodeTask } from "../lib/task.ts";

/** Every task on the region's stream as [website id, slot]. */
async function published(bed: PipelineBed, region: string): Promise<[string, number][]> {
  const entries = await bed.redis.xrange(bed.keys.stream(region), "-", "+");
  return entries.map(([, fields]) => {
    const task = decodeTask(fields[1])!;
    return [task.websiteId, task.scheduledAt];
  });
}

Deno.test("100 websites at one interval come due spread over it, each on its own offset", async () => {
  const bed = await pipelineBed();
  try {
    const ids = await bed.addWebsites(100, {
      url: "http://127.0.0.1:9/",
      regions: ["ams"],
      intervalSeconds: 20,
    });
    const publisher = publisherFor(bed, { leaseMs: 60_000 });
    // Second-aligned, as the ticks are; the first cycle takes every new website at once.
    const start = Math.ceil(Date.now() / 1000) * 1000 + 1_000;
    assert.equal((await publisher.runCycle(new Date(start))).tasks, 100);
    const perTick: number[] = [];
    for (let second = 1; second <= 20; second++) {
      perTick.push((await publisher.runCycle(new Date(start + second * 1000))).tasks);
    }
    assert.equal(perTick.reduce((a, b) => a + b), 100, "each website once per interval");
    // Evenly that is 5 a second; all at once would be 100 in one tick.
    assert.ok(Math.max(...perTick) <= 20, `a burst: ${perTick}`);
    assert.ok(perTick.filter((n) => n > 0).length >= 10, `too few seconds used: ${perTick}`);
    const slots = new Map<string, number[]>();
    for (const [id, slot] of await published(bed, "ams")) {
      slots.set(id, [...slots.get(id) ?? [], slot]);
    }
    for (const id of ids) {
      const [, second] = slots.get(id)!;
      assert.equal(second % 20, slotOffset(id, 20), "the second slot is on the website's grid");
    }
  } finally {
    await bed.close();
  }
});

Deno.test("a tick shorter than the interval publishes every slot, none twice", async () => {
  const bed = await pipelineBed();
  try {
    const ids = await bed.addWebsites(30, {
      url: "http://127.0.0.1:9/",
      regions: ["ams"],
      intervalSeconds: 2,
    });
    const publisher = publisherFor(bed, { leaseMs: 60_000 });
    const start = Math.ceil(Date.now() / 1000) * 1000 + 1_000;
    // Ticks of 700 ms, not dividing the interval: every 2-second slot still gets its turn.
    let last = start;
    for (; last <= start + 12_000; last += 700) await publisher.runCycle(new Date(last));
    last -= 700;
    const slots = new Map<string, number[]>();
    for (const [id, slot] of await published(bed, "ams")) {
      slots.set(id, [...slots.get(id) ?? [], slot]);
    }
    const first = start / 1000;
    for (const id of ids) {
      const got = slots.get(id)!;
      const grid = got.slice(1);
      const offset = slotOffset(id, 2);
      const expected = [];
      for (let s = first + 1; s <= last / 1000; s++) if (s % 2 === offset) expected.push(s);
      assert.ok(got[0] <= first && got[0] > first - 3, "the first check is at once");
      assert.deepEqual(grid, expected, `website ${id} skipped or repeated a slot`);
    }
  } finally {
    await bed.close();
  }
});

Deno.test("ticks fall just after wall-clock multiples of the tick", () => {
  assert.equal(untilNextTick(1_000_000, 1_000), 5);
  assert.equal(untilNextTick(1_000_005, 1_000), 1_000);
  assert.equal(untilNextTick(1_000_006, 1_000), 999);
  assert.equal(untilNextTick(1_000_250, 500), 255);
});

Deno.test("a website's offset comes from its id and stays within its interval", () => {
  assert.equal(slotOffset("00000015-0000-4000-8000-000000000000", 20), 1);
  assert.equal(slotOffset("ffffffff-0000-4000-8000-000000000000", 60), 0xffffffff % 60);
  assert.equal(slotOffset("ffffffff-0000-4000-8000-000000000000", 1), 0);
});
