import assert from "node:assert/strict";
import { type PipelineBed, pipelineBed, publisherFor } from "./helpers/pipeline.ts";
import { type Publisher, untilNextTick } from "../publisher/publisher.ts";
import { slotOffset } from "../publisher/schedule.ts";
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

const hourly = { url: "http://127.0.0.1:9/", regions: ["ams"], intervalSeconds: 3_600 };

/**
 * Hourly websites added a minute ago and published half a minute ago, so that a change
 * that makes one due at once (its first slot is the second of the change) never falls in
 * a second already published for it.
 */
async function publishedEarlier(bed: PipelineBed, count: number) {
  const ids = await bed.addWebsites(count, hourly);
  // An interval under which none of them has a slot of its own within a minute of now: the
  // cycles below would publish it as if it had changed (ids are random, and with an hour
  // one in 30 would).
  const now = Math.floor(Date.now() / 1000);
  let interval = hourly.intervalSeconds;
  const slotNearNow = (id: string) => {
    const offset = slotOffset(id, interval);
    return offset + interval * Math.ceil((now - 60 - offset) / interval) <= now + 60;
  };
  while (ids.some(slotNearNow)) interval++;
  await bed.pg.sql`
    update websites set next_check_at = now() - interval '1 minute',
      interval_seconds = ${interval}`;
  const publisher = publisherFor(bed, { leaseMs: 60_000 });
  const start = Date.now();
  assert.equal((await publisher.runCycle(new Date(start - 30_000))).tasks, count);
  return { ids, publisher, start, add: () => bed.addWebsites(1, hourly) };
}

Deno.test("edits, pauses, resumes and deletions reach the publisher at its next cycle", async () => {
  const bed = await pipelineBed();
  try {
    const { ids, publisher, start, add } = await publishedEarlier(bed, 4);
    const [paused, deleted, edited, kept] = ids;
    // As the web does it (services/websites/): a pause, a deletion, a new URL, which makes
    // the website due at once, and a new website.
    await bed.pg.sql`update websites set active = false where id = ${paused}`;
    await bed.pg.sql`delete from websites where id = ${deleted}`;
    await bed.pg.sql`
      update websites set url = 'http://127.0.0.1:10/', next_check_at = now() where id = ${edited}`;
    const [added] = await add();
    await bed.pg.sql`update websites set name = 'renamed' where id = ${kept}`;
    const next = await publisher.runCycle(new Date(start + 1_000));
    assert.deepEqual(next, { leader: true, websites: 2, tasks: 2 });
    const tasks = await published(bed, "ams");
    assert.deepEqual(tasks.slice(4).map(([id]) => id).sort(), [edited, added].sort());
    const entries = await bed.redis.xrange(bed.keys.stream("ams"), "-", "+");
    const urls = entries.map(([, fields]) => decodeTask(fields[1])!.url);
    assert.ok(
      urls.includes("http://127.0.0.1:10/"),
      "the edited website is checked at its new URL",
    );
    // Resumed: due at once again. A year on, every remaining website is due, none deleted.
    await bed.pg.sql`update websites set active = true, next_check_at = now() where id = ${paused}`;
    assert.equal((await publisher.runCycle(new Date(start + 2_000))).tasks, 1);
    const yearLater = await publisher.runCycle(new Date(start + 365 * 86_400_000));
    assert.equal(yearLater.websites, 4, "paused, edited, kept and added; not the deleted one");
  } finally {
    await bed.close();
  }
});

Deno.test("an edit in the second its website was just published is checked a second later", async () => {
  const bed = await pipelineBed();
  try {
    const [id] = await bed.addWebsites(1, {
      url: "http://127.0.0.1:9/",
      regions: ["ams"],
      intervalSeconds: 3_600,
    });
    const second = Math.floor(Date.now() / 1000);
    const at = (ms: number) => new Date(second * 1000 + ms);
    await bed.pg.sql`
      update websites set next_check_at = ${at(200).toISOString()}::timestamptz where id = ${id}`;
    const publisher = publisherFor(bed, { leaseMs: 60_000 });
    assert.equal((await publisher.runCycle(at(300))).tasks, 1);
    // Edited 0.5 s later, as the web does it: due at once, in the same second.
    await bed.pg.sql`
      update websites set url = 'http://127.0.0.1:10/',
        next_check_at = ${at(800).toISOString()}::timestamptz where id = ${id}`;
    assert.equal((await publisher.runCycle(at(900))).tasks, 0);
    assert.equal((await publisher.runCycle(at(1_100))).tasks, 1, "the edit is checked");
    const tasks = await published(bed, "ams");
    assert.deepEqual(tasks, [[id, second], [id, second + 1]]);
    const entries = await bed.redis.xrange(bed.keys.stream("ams"), "-", "+");
    assert.equal(decodeTask(entries[1][1][1])!.url, "http://127.0.0.1:10/");
  } finally {
    await bed.close();
  }
});

Deno.test("a change committed after a cycle that began while it was being written still arrives", async () => {
  const bed = await pipelineBed();
  const slow = await bed.pg.sql.reserve();
  try {
    const { ids: [late, early], publisher, start } = await publishedEarlier(bed, 2);
    // One edit starts first and commits last; a later one commits before the next cycle.
    await slow`begin`;
    await slow`update websites set next_check_at = now() where id = ${late}`;
    await bed.pg.sql`update websites set next_check_at = now() where id = ${early}`;
    assert.equal((await publisher.runCycle(new Date(start + 1_000))).tasks, 1);
    await slow`commit`;
    const after = await publisher.runCycle(new Date(start + 2_000));
    assert.equal(after.tasks, 1, "the change committed last was missed");
    const tasks = await published(bed, "ams");
    assert.deepEqual(tasks.slice(2).map(([id]) => id), [early, late]);
  } finally {
    slow.release();
    await bed.close();
  }
});

/**
 * Cycles a second apart (in the publisher's time) until one publishes something, for at
 * most 10 s of real time; returns what it published.
 */
async function firstPublished(publisher: Publisher, from: number): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (let second = 1; Date.now() < deadline; second++) {
    const { tasks } = await publisher.runCycle(new Date(from + second * 1_000));
    if (tasks) return tasks;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return 0;
}

/**
 * A leading publisher that listens for changes and would read them anyway only after an
 * hour (what it sees sooner, NOTIFY told it of), past its first cycle at `start`.
 */
async function listeningPublisher(bed: PipelineBed) {
  const publisher = publisherFor(bed, { leaseMs: 60_000, readAnywayMs: 3_600_000 });
  await publisher.listenForChanges();
  const start = Date.now();
  assert.equal((await publisher.runCycle(new Date(start))).tasks, 0);
  return { publisher, start };
}

Deno.test("a listening publisher reads the schedule when notified of a change, not every cycle", async () => {
  const bed = await pipelineBed();
  const { publisher, start } = await listeningPublisher(bed);
  try {
    const [id] = await bed.addWebsites(1, hourly);
    assert.equal(await firstPublished(publisher, start), 1, "the new website was never read");
    // A change recorded without its NOTIFY (as if it were lost) waits for the hourly read:
    // the cycles in between do not ask Postgres.
    await bed.pg.sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`update websites set next_check_at = now() where id = ${id}`;
      await tx`insert into website_changes (website_id) values (${id})`;
    });
    const later = Date.now() + 5_000;
    for (let second = 0; second < 5; second++) {
      assert.equal((await publisher.runCycle(new Date(later + second * 1_000))).tasks, 0);
    }
  } finally {
    await publisher.stop();
    await bed.close();
  }
});

Deno.test("a publisher whose listening connection is cut listens again and still sees changes", async () => {
  const bed = await pipelineBed();
  const { publisher, start } = await listeningPublisher(bed);
  try {
    const [{ cut }] = await bed.pg.sql`
      select count(pg_terminate_backend(pid))::int as cut from pg_stat_activity
      where datname = current_database() and query ilike 'listen %'`;
    assert.equal(cut, 1, "one listening connection");
    await bed.addWebsites(1, hourly);
    assert.equal(await firstPublished(publisher, start), 1, "the new website was never read");
  } finally {
    await publisher.stop();
    await bed.close();
  }
});
