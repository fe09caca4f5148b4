import assert from "node:assert/strict";
import { pipelineBed } from "./helpers/pipeline.ts";
import { enqueueTasks, type QueuedTask } from "../publisher/enqueue.ts";

function tasks(from: number, count: number): Map<string, QueuedTask[]> {
  return new Map([[
    "ams",
    Array.from({ length: count }, (_, i) => ({
      websiteId: `w${from + i}`,
      slot: 1,
      payload: `{"n":${from + i}}`,
    })),
  ]]);
}

type Entries = [string, string[]][];

Deno.test("entries every group has acknowledged are trimmed; nothing unread or pending is", async () => {
  const bed = await pipelineBed();
  const { redis, keys } = bed;
  const stream = keys.stream("ams");
  const group = keys.consumerGroup;
  const lease = { key: keys.publisherLease, id: "me" };
  try {
    await redis.set(lease.key, lease.id);
    // No group reads the stream yet: everything stays.
    await enqueueTasks(redis, keys, lease, tasks(0, 1_000));
    await enqueueTasks(redis, keys, lease, tasks(1_000, 1));
    assert.equal(await redis.xlen(stream), 1_001);

    await redis.xgroup("CREATE", stream, group, "0");
    await redis.xgroup("CREATE", stream, "other", "0");
    const read = async (g: string, count: number) =>
      ((await redis.xreadgroup("GROUP", g, "c", "COUNT", count, "STREAMS", stream, ">")) as [
        string,
        Entries,
      ][])[0][1];
    // Our group: 600 read, the first 500 acknowledged; the other group has read 800.
    const ours = await read(group, 600);
    await redis.xack(stream, group, ...ours.slice(0, 500).map(([id]) => id));
    const theirs = await read("other", 800);
    await redis.xack(stream, "other", ...theirs.map(([id]) => id));

    await enqueueTasks(redis, keys, lease, tasks(2_000, 1));
    const left = await redis.xlen(stream);
    // Trimmed to whole stream nodes (MINID ~), never past our oldest pending entry.
    assert.ok(left < 1_002 && left >= 502, `${left} entries left`);
    const pendingIds = ours.slice(500).map(([id]) => id);
    const kept = new Set((await redis.xrange(stream, "-", "+")).map(([id]) => id));
    for (const id of pendingIds) assert.ok(kept.has(id), `pending ${id} was dropped`);
    // Every task our group has not read is still delivered: 401 old ones and the new one.
    assert.equal((await read(group, 10_000)).length, 402);

    // Once both groups have acknowledged everything, the next publish trims it all away
    // but for the last stream node.
    const rest = await redis.xreadgroup("GROUP", group, "c", "STREAMS", stream, "0");
    await redis.xack(stream, group, ...(rest as [string, Entries][])[0][1].map(([id]) => id));
    const others = await read("other", 10_000);
    await redis.xack(stream, "other", ...others.map(([id]) => id));
    await redis.xack(stream, group, ...(await redis.xrange(stream, "-", "+")).map(([id]) => id));
    await enqueueTasks(redis, keys, lease, tasks(3_000, 1));
    assert.ok(await redis.xlen(stream) <= 101, `${await redis.xlen(stream)} entries left`);
    assert.equal((await read(group, 10)).length, 1, "the new task is delivered");
  } finally {
    await redis.del(stream, keys.publishedSlots("ams"), lease.key);
    await bed.close();
  }
});

Deno.test("each website's slot goes on the stream once, and never an older one", async () => {
  const bed = await pipelineBed();
  const { redis, keys } = bed;
  const lease = { key: keys.publisherLease, id: "me" };
  const task = (websiteId: string, slot: number) => ({ websiteId, slot, payload: `${slot}` });
  try {
    await redis.set(lease.key, lease.id);
    const batch = [task("a", 10), task("a", 10), task("b", 10), task("a", 20)];
    const added = await enqueueTasks(redis, keys, lease, new Map([["ams", batch]]));
    assert.deepEqual(added, [batch[0], batch[2], batch[3]]);
    // A publisher taking over at an earlier instant repeats nothing.
    const again = [task("a", 20), task("a", 10), task("b", 10), task("b", 30)];
    assert.deepEqual(await enqueueTasks(redis, keys, lease, new Map([["ams", again]])), [again[3]]);
    const published = (await redis.xrange(keys.stream("ams"), "-", "+")).map(([, f]) => f[1]);
    assert.deepEqual(published, ["10", "10", "20", "30"]);
  } finally {
    await bed.close();
  }
});
