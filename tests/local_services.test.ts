import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { ensureLocalServices } from "../scripts/local_services.ts";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

const urls = (redisPort: number) => ({
  databaseUrl: "postgres://postgres@127.0.0.1:5432/unused",
  redisUrl: `redis://127.0.0.1:${redisPort}`,
  clickhouseUrl: "http://127.0.0.1:8123/unused",
});

Deno.test("a stopped Redis is started from redis-server, and stopped again", async () => {
  const port = freePort();
  const dataDir = await Deno.makeTempDir();
  const services = await ensureLocalServices(urls(port), {
    only: ["Redis"],
    dataDir: `${dataDir}/`,
  });
  try {
    assert.deepEqual(services.started, ["Redis"]);
    const redis = new Redis(port, "127.0.0.1", { maxRetriesPerRequest: 1 });
    try {
      assert.equal(await redis.set("k", "v"), "OK");
      assert.equal(await redis.get("k"), "v");
    } finally {
      redis.disconnect();
    }
  } finally {
    await services.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
  await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port }));
});

Deno.test("a Redis that is already running is left alone", async () => {
  const port = freePort();
  const first = await ensureLocalServices(urls(port), { only: ["Redis"] });
  try {
    const second = await ensureLocalServices(urls(port), { only: ["Redis"] });
    assert.deepEqual(second.started, []);
    await second.stop();
    const redis = new Redis(port, "127.0.0.1", { maxRetriesPerRequest: 1 });
    assert.equal(await redis.ping(), "PONG");
    redis.disconnect();
  } finally {
    await first.stop();
  }
});

Deno.test("a missing binary is reported with the package to install", async () => {
  const path = Deno.env.get("PATH")!;
  Deno.env.set("PATH", "/nonexistent");
  try {
    await assert.rejects(
      ensureLocalServices(urls(freePort()), { only: ["Redis"] }),
      /redis-server is not installed: apt-get install -y redis-server .*brew install redis/,
    );
  } finally {
    Deno.env.set("PATH", path);
  }
});
