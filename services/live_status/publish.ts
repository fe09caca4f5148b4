/**
 * After results are stored: the latest status per website and region in Redis (read by
 * the API), and one pub/sub message per result that the web processes relay to browsers
 * (with the answer that failed a check, which the stored status leaves out).
 */
import type { Redis } from "../../lib/redis.ts";
import type { RedisKeys } from "../../lib/redis_keys.ts";
import { type LiveResult, MAX_MESSAGE, MAX_RESPONSE } from "../../lib/live_result.ts";
import type { CheckRow } from "../../db/clickhouse/check_row.ts";

export function toLiveResult(row: CheckRow): LiveResult {
  return {
    // First: STORE_AND_PUBLISH reads it from the start of the stored JSON.
    scheduledAt: row.scheduled_at * 1000,
    websiteId: row.website_id,
    region: row.region_id,
    outcome: row.outcome,
    httpStatus: row.http_status,
    responseMs: row.response_ms,
    errorKind: row.error_kind,
    errorMessage: row.error_message.slice(0, MAX_MESSAGE),
    degraded: row.degraded === 1,
    certDaysLeft: row.cert_days_left ?? null,
    ...(row.maintenance === 1 ? { maintenance: true } : {}),
    ...(row.response ? { response: row.response.slice(0, MAX_RESPONSE) } : {}),
    // Rows hold epoch seconds (ClickHouse DateTime); everything we publish speaks ms.
    checkedAt: row.checked_at * 1000,
  };
}

// One round trip and one command per batch instead of two per result: per-result
// commands cost the worker (and Redis) more CPU than the checks' own bookkeeping. The
// latest status only moves forward: a late redelivery of an older slot is published but
// does not replace a newer status. The stored slot is read from the start of the JSON
// (toLiveResult puts it first): decoding the whole status took Redis as long as the rest
// of the script. A status stored before that order is decoded.
const STORE_AND_PUBLISH = `
for i = 1, #KEYS do
  local region, slot = ARGV[4 * i - 3], tonumber(ARGV[4 * i - 2])
  local status, message = ARGV[4 * i - 1], ARGV[4 * i]
  local current = redis.call('HGET', KEYS[i], region)
  local stored = current and tonumber(string.match(current, '^{"scheduledAt":(%d+)'))
  if current and not stored then
    local ok, value = pcall(cjson.decode, current)
    stored = ok and type(value) == 'table' and tonumber(value.scheduledAt) or nil
  end
  if not stored or stored <= slot then
    redis.call('HSET', KEYS[i], region, status)
  end
  redis.call('PUBLISH', ARGV[#ARGV], message)
end
return #KEYS`;

const CHUNK = 1_000;

export async function publishLiveResults(
  redis: Redis,
  keys: RedisKeys,
  rows: CheckRow[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const args: string[] = [];
    for (const row of chunk) {
      const { response, ...status } = toLiveResult(row);
      // The latest status without the failed answer: a socket gets every status it follows
      // at once when it subscribes; the answer is in the message, and in the stored checks.
      const stored = JSON.stringify(status);
      const message = response === undefined ? stored : JSON.stringify({ ...status, response });
      args.push(row.region_id, String(row.scheduled_at * 1000), stored, message);
    }
    await redis.eval(
      STORE_AND_PUBLISH,
      chunk.length,
      ...chunk.map((row) => keys.liveStatus(row.website_id)),
      ...args,
      keys.resultsChannel,
    );
  }
}
