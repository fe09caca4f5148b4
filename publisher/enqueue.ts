/**
 * Puts tasks on the region streams. Each batch is one Lua call that first checks the
 * publisher still holds the lease (fencing) and trims the stream by age, never by count:
 * entries older than the longest task lifetime are worthless, everything younger stays
 * however many websites there are.
 */
import type { Redis } from "../lib/redis.ts";
import { MAX_TASK_AGE_MS } from "../lib/task.ts";

const PUBLISH = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
for i = 3, #ARGV do
  redis.call('XADD', KEYS[2], 'MINID', '~', ARGV[2], '*', 't', ARGV[i])
end
return #ARGV - 2`;

/** Entries this much older than their deadline's horizon are trimmed. */
const TRIM_SLACK_MS = 60_000;
const CHUNK = 500;

export class NotLeaderError extends Error {
  constructor() {
    super("lost the publisher lease");
  }
}

/**
 * Adds the payloads to each stream in chunks, all in one pipeline (one round trip).
 * Throws NotLeaderError, having published nothing more, once the lease is lost.
 */
export async function enqueueTasks(
  redis: Redis,
  lease: { key: string; id: string },
  payloadsByStream: Map<string, string[]>,
  now = Date.now(),
): Promise<number> {
  const minId = String(now - MAX_TASK_AGE_MS - TRIM_SLACK_MS);
  const pipeline = redis.pipeline();
  let calls = 0;
  for (const [stream, payloads] of payloadsByStream) {
    for (let i = 0; i < payloads.length; i += CHUNK) {
      pipeline.eval(
        PUBLISH,
        2,
        lease.key,
        stream,
        lease.id,
        minId,
        ...payloads.slice(i, i + CHUNK),
      );
      calls++;
    }
  }
  if (!calls) return 0;
  const results = (await pipeline.exec()) ?? [];
  let added = 0;
  for (const [error, count] of results) {
    if (error) throw error;
    if (count === -1) throw new NotLeaderError();
    added += count as number;
  }
  return added;
}
