import assert from "node:assert/strict";
import { pipelineBed } from "../helpers/pipeline.ts";
import { DEAD_LETTER_TTL_MS, TaskStream } from "../../worker/task_stream.ts";
import { encodeTask } from "../../lib/task.ts";
import { connectRedis } from "../../lib/redis.ts";
import { testConfig } from "../helpers/databases.ts";

Deno.test("a dead letter keeps what identifies the check, not its headers or body, and expires", async () => {
  const bed = await pipelineBed();
  const reader = connectRedis(testConfig().redisUrl, { name: "reader" });
  try {
    const stream = new TaskStream({
      reader,
      redis: bed.redis,
      keys: bed.keys,
      region: "ams",
      consumer: "w1",
      reclaimIdleMs: 1,
      maxDeliveries: 1,
    });
    await stream.ensureGroup();
    const websiteId = crypto.randomUUID();
    await bed.redis.xadd(
      stream.stream,
      "*",
      "t",
      encodeTask({
        websiteId,
        url: "https://bot:url-password@example.com/hook?token=query-secret",
        method: "POST",
        headers: { Authorization: "Bearer header-secret" },
        body: '{"apiKey":"body-secret"}',
        timeoutMs: 1_000,
        expectedStatus: null,
        keyword: null,
        scheduledAt: Math.floor(Date.now() / 1000),
        deadline: Date.now() + 60_000,
      }),
    );
    assert.equal((await stream.read(10, 100)).length, 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // The second delivery is one too many: the task is set aside and acknowledged.
    assert.deepEqual(await stream.reclaim(10), []);

    const key = bed.keys.deadLetters("ams");
    const dead = await bed.redis.xrange(key, "-", "+");
    assert.equal(dead.length, 1);
    const text = dead[0][1].join(" ");
    for (const secret of ["header-secret", "body-secret", "url-password", "query-secret"]) {
      assert.ok(!text.includes(secret), `the dead letter holds ${secret}: ${text}`);
    }
    const kept = JSON.parse(dead[0][1][1]);
    assert.equal(kept.websiteId, websiteId);
    assert.deepEqual(kept.headerNames, ["Authorization"]);
    const ttl = await bed.redis.pttl(key);
    assert.ok(ttl > 0 && ttl <= DEAD_LETTER_TTL_MS, `dead letters expire (pttl ${ttl})`);
    assert.equal((await bed.redis.xpending(stream.stream, bed.keys.consumerGroup))[0], 0);
  } finally {
    reader.disconnect();
    await bed.close();
  }
});
