/**
 * Puts tasks on the region streams. Each batch is one Lua call that first checks the
 * publisher still holds the lease (fencing), skips a slot already published for that
 * website (a publisher that takes over does not know what its predecessor published
 * before it died, and must not publish those slots again), and trims the stream, never
 * by count: entries older than the longest task lifetime are worthless, and so are
 * entries every consumer group has read and acknowledged (older than both the group's
 * oldest pending entry and the last one it was given). Nothing unread or unacknowledged
 * is ever dropped, however many websites there are; a stream no group reads yet keeps
 * everything younger than the age limit.
 */
import type { Redis } from "../lib/redis.ts";
import type { RedisKeys } from "../lib/redis_keys.ts";
import { MAX_TASK_AGE_MS } from "../lib/task.ts";
import { metrics } from "../lib/metrics.ts";

// KEYS: lease, stream, published slots. ARGV: lease id, min id, then per task
// website id, slot, payload. Returns the positions (from 1) of the tasks added. The
// published slots are read and written with one command per batch, not an HGET and an
// HSET per task: Redis spends less on the script.
const PUBLISH = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local ids = {}
for i = 3, #ARGV, 3 do ids[#ids + 1] = ARGV[i] end
local stored = redis.call('HMGET', KEYS[3], unpack(ids))
local last = {}
for n, id in ipairs(ids) do last[id] = math.max(last[id] or 0, tonumber(stored[n] or '0')) end
local slots = {}
local added = {}
for n, id in ipairs(ids) do
  local slot = tonumber(ARGV[3 * n + 1])
  if slot > last[id] then
    redis.call('XADD', KEYS[2], 'MINID', '~', ARGV[2], '*', 't', ARGV[3 * n + 2])
    last[id] = slot
    slots[#slots + 1] = id
    slots[#slots + 1] = ARGV[3 * n + 1]
    added[#added + 1] = n
  end
end
if #added > 0 then redis.call('HSET', KEYS[3], unpack(slots)) end
local ok, groups = pcall(redis.call, 'XINFO', 'GROUPS', KEYS[2])
if ok and #groups > 0 then
  local function before(a, b)
    local ams, aseq = string.match(a, '(%d+)-(%d+)')
    local bms, bseq = string.match(b, '(%d+)-(%d+)')
    if tonumber(ams) ~= tonumber(bms) then return tonumber(ams) < tonumber(bms) end
    return tonumber(aseq) < tonumber(bseq)
  end
  local floor = nil
  for _, group in ipairs(groups) do
    local name, keep
    for j = 1, #group, 2 do
      if group[j] == 'name' then name = group[j + 1] end
      if group[j] == 'last-delivered-id' then keep = group[j + 1] end
    end
    local pending = redis.call('XPENDING', KEYS[2], name)
    if pending[1] > 0 and before(pending[2], keep) then keep = pending[2] end
    if floor == nil or before(keep, floor) then floor = keep end
  end
  if floor ~= '0-0' then redis.call('XTRIM', KEYS[2], 'MINID', '~', floor) end
end
return added`;

export interface QueuedTask {
  websiteId: string;
  /** Epoch seconds; with the website, what makes the task unique. */
  slot: number;
  payload: string;
}

/** Entries this much older than their deadline's horizon are trimmed. */
const TRIM_SLACK_MS = 60_000;
const CHUNK = 500;

export class NotLeaderError extends Error {
  constructor() {
    super("lost the publisher lease");
  }
}

/**
 * Adds each region's tasks to its stream in chunks, all in one pipeline (one round trip);
 * returns those that were new, not skipped as already published. Throws NotLeaderError,
 * having published nothing more, once the lease is lost.
 */
export async function enqueueTasks(
  redis: Redis,
  keys: RedisKeys,
  lease: { key: string; id: string },
  tasksByRegion: Map<string, QueuedTask[]>,
  now = Date.now(),
): Promise<QueuedTask[]> {
  const minId = String(now - MAX_TASK_AGE_MS - TRIM_SLACK_MS);
  const pipeline = redis.pipeline();
  const calls: { region: string; tasks: QueuedTask[] }[] = [];
  for (const [region, tasks] of tasksByRegion) {
    for (let i = 0; i < tasks.length; i += CHUNK) {
      const chunk = tasks.slice(i, i + CHUNK);
      const args: string[] = [];
      for (const task of chunk) {
        args.push(task.websiteId, String(task.slot), task.payload);
      }
      pipeline.eval(
        PUBLISH,
        3,
        lease.key,
        keys.stream(region),
        keys.publishedSlots(region),
        lease.id,
        minId,
        ...args,
      );
      calls.push({ region, tasks: chunk });
    }
  }
  if (!calls.length) return [];
  const results = (await pipeline.exec()) ?? [];
  const added: QueuedTask[] = [];
  for (const [i, [error, positions]] of results.entries()) {
    if (error) throw error;
    if (positions === -1) throw new NotLeaderError();
    for (const n of positions as number[]) added.push(calls[i].tasks[n - 1]);
    metrics.tasksPublished.inc({ region: calls[i].region }, (positions as number[]).length);
  }
  return added;
}
