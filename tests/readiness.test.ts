/**
 * `/readyz` follows its dependencies: with the test's own Redis stopped, web and worker
 * answer 503 naming Redis; once it is back, 200 again. `/healthz` (liveness) stays 200.
 */
import assert from "node:assert/strict";
import { ensureLocalServices, type LocalServices } from "../scripts/local_services.ts";
import { eventually, pipelineBed } from "./helpers/pipeline.ts";
import { freePort, spawnProcess } from "./helpers/processes.ts";

async function startOwnRedis(port: number, dataDir: string): Promise<LocalServices> {
  const services = await ensureLocalServices({
    databaseUrl: "postgres://postgres@127.0.0.1:5432/unused",
    redisUrl: `redis://127.0.0.1:${port}`,
    clickhouseUrl: "http://127.0.0.1:8123/unused",
  }, { only: ["Redis"], dataDir });
  assert.deepEqual(services.started, ["Redis"]);
  return services;
}

async function readiness(url: string): Promise<{ status: number; failing: string[] }> {
  const response = await fetch(url);
  return { status: response.status, failing: (await response.json()).failing };
}

Deno.test("/readyz answers 503 naming Redis while it is stopped, and 200 once it is back", async () => {
  const bed = await pipelineBed();
  const redisPort = freePort();
  const dataDir = `${await Deno.makeTempDir()}/`;
  let redis = await startOwnRedis(redisPort, dataDir);
  const env = { ...bed.env, REDIS_URL: `redis://127.0.0.1:${redisPort}` };
  const [webPort, workerPort] = [freePort(), freePort()];
  const web = spawnProcess("web/main.ts", { ...env, PORT: String(webPort) });
  const worker = spawnProcess("worker/main.ts", { ...env, HEALTH_PORT: String(workerPort) });
  const urls = [`http://127.0.0.1:${webPort}`, `http://127.0.0.1:${workerPort}`];
  try {
    await Promise.all([web.waitFor("web.started", 60_000), worker.waitFor("worker.started")]);
    for (const url of urls) {
      assert.deepEqual(await readiness(`${url}/readyz`), { status: 200, failing: [] });
    }

    await redis.stop();
    for (const url of urls) {
      await eventually(
        async () => (await readiness(`${url}/readyz`)).status === 503,
        15_000,
        `${url} not ready`,
      );
      assert.deepEqual(await readiness(`${url}/readyz`), { status: 503, failing: ["Redis"] });
      const live = await fetch(`${url}/healthz`);
      assert.equal(live.status, 200, "liveness does not depend on Redis");
      await live.body?.cancel();
    }

    redis = await startOwnRedis(redisPort, dataDir);
    for (const url of urls) {
      // ioredis reconnects with backoff (at most 30 s between attempts, with jitter).
      await eventually(
        async () => (await readiness(`${url}/readyz`)).status === 200,
        60_000,
        `${url} ready again`,
      );
    }
  } finally {
    await Promise.all([web.stop(), worker.stop()]);
    await redis.stop();
    await bed.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});
