/**
 * Gauges of the task streams, read from Redis when Prometheus scrapes the publisher:
 * per region the stream's length, the tasks delivered but not yet acknowledged
 * (pending), the tasks no worker has read yet (consumer lag, Redis 7+) and the dead
 * letters kept. Any publisher reports them, leader or standby: they describe Redis.
 */
import type { Redis } from "../lib/redis.ts";
import type { RedisKeys } from "../lib/redis_keys.ts";
import { gaugeOnScrape } from "../lib/metrics.ts";
import { log } from "../lib/logger.ts";

interface StreamFigures {
  length: number;
  pending: number;
  lag: number | null;
  deadLetters: number;
}

export function registerStreamMetrics(redis: Redis, keys: RedisKeys, regions: string[]): void {
  // One Redis round trip per scrape, shared by the four gauges.
  let reading: Promise<Map<string, StreamFigures>> | null = null;
  const figures = () => {
    reading ??= readFigures(redis, keys, regions).finally(() => setTimeout(() => reading = null));
    return reading;
  };
  const gauge = (name: string, help: string, pick: (f: StreamFigures) => number | null) =>
    gaugeOnScrape({ name, help, labelNames: ["region"] }, async (g) => {
      try {
        for (const [region, f] of await figures()) {
          const value = pick(f);
          if (value !== null) g.set({ region }, value);
        }
      } catch (error) {
        log.warn("metrics.streams_unavailable", { error });
      }
    });
  gauge("uptime_stream_length", "Entries in the region's task stream.", (f) => f.length);
  gauge(
    "uptime_stream_pending",
    "Tasks delivered to a worker of the region and not yet acknowledged.",
    (f) => f.pending,
  );
  gauge("uptime_stream_lag", "Tasks on the region's stream no worker has read yet.", (f) => f.lag);
  gauge(
    "uptime_dead_letters",
    "Dead letters kept for the region (they expire after 7 days).",
    (f) => f.deadLetters,
  );
}

async function readFigures(
  redis: Redis,
  keys: RedisKeys,
  regions: string[],
): Promise<Map<string, StreamFigures>> {
  const pipeline = redis.pipeline();
  for (const region of regions) {
    pipeline.xlen(keys.stream(region));
    pipeline.xinfo("GROUPS", keys.stream(region));
    pipeline.xlen(keys.deadLetters(region));
  }
  const results = (await pipeline.exec()) ?? [];
  const figures = new Map<string, StreamFigures>();
  regions.forEach((region, i) => {
    const [[, length], [groupsError, groups], [, deadLetters]] = results.slice(i * 3, i * 3 + 3);
    // No stream yet (no website in this region): XINFO fails, XLEN says 0.
    const group = groupsError ? undefined : findGroup(groups as unknown[][], keys.consumerGroup);
    figures.set(region, {
      length: Number(length ?? 0),
      pending: Number(group?.pending ?? 0),
      lag: group?.lag === undefined || group.lag === null ? (group ? null : 0) : Number(group.lag),
      deadLetters: Number(deadLetters ?? 0),
    });
  });
  return figures;
}

/** XINFO GROUPS answers a flat [key, value, …] list per group. */
function findGroup(groups: unknown[][], name: string): Record<string, unknown> | undefined {
  for (const flat of groups ?? []) {
    const group: Record<string, unknown> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) group[String(flat[i])] = flat[i + 1];
    if (group.name === name) return group;
  }
  return undefined;
}
