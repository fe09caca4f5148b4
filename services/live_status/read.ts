/**
 * The latest result of each region of some websites, as publish.ts stored it: the raw
 * JSON per region, read in one round trip. Null for a website whose read failed.
 */
import type { Redis } from "../../lib/redis.ts";
import type { RedisKeys } from "../../lib/redis_keys.ts";

export async function storedLiveStatuses(
  redis: Redis,
  keys: RedisKeys,
  ids: string[],
): Promise<(Record<string, string> | null)[]> {
  if (!ids.length) return [];
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.hgetall(keys.liveStatus(id));
  const replies = (await pipeline.exec()) ?? [];
  return ids.map((_, i) => {
    const [error, hash] = replies[i] ?? [];
    return error ? null : hash as Record<string, string>;
  });
}
