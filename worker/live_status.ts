/**
 * After results are stored: the latest status per website and region in Redis (read by
 * the API), and one pub/sub message per result that the web processes relay to browsers.
 */
import type { Redis } from "../lib/redis.ts";
import type { RedisKeys } from "../lib/redis_keys.ts";
import type { CheckRow } from "./result_store.ts";

export interface LiveResult {
  websiteId: string;
  region: string;
  outcome: "up" | "down";
  httpStatus: number;
  responseMs: number;
  errorKind: string;
  /** Epoch seconds. */
  checkedAt: number;
  scheduledAt: number;
}

export function toLiveResult(row: CheckRow): LiveResult {
  return {
    websiteId: row.website_id,
    region: row.region_id,
    outcome: row.outcome,
    httpStatus: row.http_status,
    responseMs: row.response_ms,
    errorKind: row.error_kind,
    checkedAt: row.checked_at,
    scheduledAt: row.scheduled_at,
  };
}

export async function publishLiveResults(
  redis: Redis,
  keys: RedisKeys,
  rows: CheckRow[],
): Promise<void> {
  if (!rows.length) return;
  const pipeline = redis.pipeline();
  for (const row of rows) {
    const message = JSON.stringify(toLiveResult(row));
    pipeline.hset(keys.liveStatus(row.website_id), row.region_id, message);
    pipeline.publish(keys.resultsChannel, message);
  }
  await pipeline.exec();
}
