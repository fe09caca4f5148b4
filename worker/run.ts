/** The worker role, any number per region. Run by worker/main.ts or standalone/main.ts. */
import type { Main } from "../lib/lifecycle.ts";
import { openConnections } from "../lib/connections.ts";
import { log } from "../lib/logger.ts";
import { connectRedis } from "../lib/redis.ts";
import { redisKeys } from "../lib/redis_keys.ts";
import { Worker } from "./worker.ts";
import { serveOperational } from "../lib/operational.ts";

const READ_TIMEOUT_MS = 6_000;

export const runWorker: Main = async (config, shutdown) => {
  const connections = await openConnections(config, "worker");
  // XREADGROUP BLOCK holds its connection; it gets one of its own.
  const reader = connectRedis(config.redisUrl, {
    name: "worker-reader",
    commandTimeoutMs: READ_TIMEOUT_MS,
  });
  const worker = new Worker({
    sql: connections.pg.sql,
    redis: connections.redis,
    reader,
    ch: connections.ch,
    keys: redisKeys(config.redisKeyPrefix),
    region: config.region,
    concurrency: config.workerConcurrency,
    reclaimIdleMs: config.reclaimIdleMs,
    maxDeliveries: config.workerMaxDeliveries,
    allowPrivateTargets: config.allowPrivateTargets,
  });
  const health = config.healthPort === null
    ? null
    : serveOperational(config.healthPort, connections);
  log.info("worker.started", {
    consumer: worker.consumer,
    concurrency: config.workerConcurrency,
  });
  await worker.run(shutdown);
  reader.disconnect();
  await health?.shutdown();
  await connections.close();
};
