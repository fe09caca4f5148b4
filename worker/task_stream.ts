/**
 * A worker's view of its region's stream: reading new tasks in the consumer group,
 * taking over tasks a dead worker left pending, acknowledging, and setting aside tasks
 * that failed too often (dead letters) instead of letting them cycle forever.
 */
import type { Redis } from "../lib/redis.ts";
import type { RedisKeys } from "../lib/redis_keys.ts";
import { log } from "../lib/logger.ts";
import { metrics } from "../lib/metrics.ts";
import { decodeTask, type Task } from "../lib/task.ts";
import { redactUrl } from "../lib/config.ts";
import type { ConsumerInfo } from "./liveness.ts";
import type { MaintenanceWindow } from "../lib/maintenance_window.ts";

/** How long a dead letter is kept for inspection. */
export const DEAD_LETTER_TTL_MS = 7 * 24 * 3_600_000;

export interface Delivery {
  id: string;
  payload: string | undefined;
  /** Null when the payload is not a valid task. */
  task: Task | null;
  /** How often the group has handed this entry out, this time included. */
  deliveries: number;
  /** The website's maintenance windows around the check, set by the worker on accepting it. */
  maintenance?: readonly MaintenanceWindow[];
}

type Entry = [id: string, fields: string[]];

export interface TaskStreamOptions {
  /** Used for nothing but the blocking read: XREADGROUP BLOCK holds its connection. */
  reader: Redis;
  redis: Redis;
  keys: RedisKeys;
  region: string;
  consumer: string;
  reclaimIdleMs: number;
  maxDeliveries: number;
}

export class TaskStream {
  readonly stream: string;
  #o: TaskStreamOptions;
  #reclaimCursor = "0-0";

  constructor(options: TaskStreamOptions) {
    this.#o = options;
    this.stream = options.keys.stream(options.region);
  }

  /** Creates the region's consumer group (and stream) unless it exists. */
  async ensureGroup(): Promise<void> {
    try {
      await this.#o.redis.xgroup(
        "CREATE",
        this.stream,
        this.#o.keys.consumerGroup,
        "0",
        "MKSTREAM",
      );
    } catch (error) {
      if (!String(error).includes("BUSYGROUP")) throw error;
    }
  }

  /** New tasks for this consumer; waits up to `blockMs` when there are none. */
  async read(count: number, blockMs: number): Promise<Delivery[]> {
    const reply = await this.#o.reader.xreadgroup(
      "GROUP",
      this.#o.keys.consumerGroup,
      this.#o.consumer,
      "COUNT",
      count,
      "BLOCK",
      blockMs,
      "STREAMS",
      this.stream,
      ">",
    ) as [string, Entry[]][] | null;
    if (!reply) return [];
    return reply[0][1].map(([id, fields]) => toDelivery(id, fields, 1));
  }

  /** Whether the last reclaim reached the end of the group's pending tasks. */
  get reclaimedAll(): boolean {
    return this.#reclaimCursor === "0-0";
  }

  /**
   * Takes over tasks idle longer than RECLAIM_IDLE_MS (their worker died, or one handed
   * them back). Those handed out more than `maxDeliveries` times go to the dead-letter
   * stream and are acknowledged. Each call goes on where the last one stopped, or from the
   * oldest pending task with `fromStart`.
   */
  async reclaim(count: number, fromStart = false): Promise<Delivery[]> {
    const { redis, keys, consumer, reclaimIdleMs } = this.#o;
    if (fromStart) this.#reclaimCursor = "0-0";
    const [next, entries] = await redis.xautoclaim(
      this.stream,
      keys.consumerGroup,
      consumer,
      reclaimIdleMs,
      this.#reclaimCursor,
      "COUNT",
      count,
    ) as [string, (Entry | null)[]];
    this.#reclaimCursor = next;
    const live = entries.filter((e): e is Entry => e !== null && e[1] !== null);
    if (!live.length) return [];
    const counts = await this.#deliveryCounts(live.map(([id]) => id));
    return await this.#setAsideExhausted(
      live.map(([id, fields]) => toDelivery(id, fields, counts.get(id) ?? 2)),
    );
  }

  /** The group's consumers, with how many tasks each holds and how long it has been silent. */
  async consumers(): Promise<ConsumerInfo[]> {
    const reply = await this.#o.redis.xinfo(
      "CONSUMERS",
      this.stream,
      this.#o.keys.consumerGroup,
    ) as unknown[][];
    return reply.map((flat) => {
      const fields = new Map<string, unknown>();
      for (let i = 0; i + 1 < flat.length; i += 2) fields.set(String(flat[i]), flat[i + 1]);
      return {
        name: String(fields.get("name")),
        pending: Number(fields.get("pending")),
        idleMs: Number(fields.get("idle")),
      };
    });
  }

  /**
   * Claims up to `count` tasks that the dead consumer `from` held. `minIdleMs` (its
   * silence) makes the claim once-only: a claimed task is idle 0 again, so a second live
   * worker racing for the same tasks claims none of them.
   */
  async takeOver(from: string, count: number, minIdleMs: number): Promise<Delivery[]> {
    const { redis, keys, consumer } = this.#o;
    const pending = await redis.xpending(
      this.stream,
      keys.consumerGroup,
      "IDLE",
      minIdleMs,
      "-",
      "+",
      count,
      from,
    ) as [id: string, consumer: string, idleMs: number, deliveries: number][];
    if (!pending.length) return [];
    const counts = new Map(pending.map(([id, , , n]) => [id, Number(n) + 1]));
    const entries = await redis.xclaim(
      this.stream,
      keys.consumerGroup,
      consumer,
      minIdleMs,
      ...pending.map(([id]) => id),
    ) as (Entry | null)[];
    const live = entries.filter((e): e is Entry => e !== null && e[1] !== null);
    return await this.#setAsideExhausted(
      live.map(([id, fields]) => toDelivery(id, fields, counts.get(id) ?? 2)),
    );
  }

  /** Forgets a dead consumer that holds nothing any more. */
  async removeConsumer(name: string): Promise<void> {
    await this.#o.redis.xgroup("DELCONSUMER", this.stream, this.#o.keys.consumerGroup, name);
  }

  /** Dead-letters the deliveries handed out too often; returns the others. */
  async #setAsideExhausted(deliveries: Delivery[]): Promise<Delivery[]> {
    const exhausted = deliveries.filter((d) => d.deliveries > this.#o.maxDeliveries);
    for (const delivery of exhausted) {
      await this.deadLetter(delivery, `delivered ${delivery.deliveries} times`);
    }
    return deliveries.filter((d) => d.deliveries <= this.#o.maxDeliveries);
  }

  async ack(ids: string[]): Promise<void> {
    if (ids.length) await this.#o.redis.xack(this.stream, this.#o.keys.consumerGroup, ...ids);
  }

  /**
   * Resets the idle time of tasks this worker still holds (a result waiting for
   * ClickHouse), so that no other worker takes them over while this one is alive.
   */
  async touch(ids: string[]): Promise<void> {
    await this.#claimOwn(ids, 0);
  }

  /**
   * Hands tasks this worker read but will not run back to the group: marked idle for
   * RECLAIM_IDLE_MS already, the next reclaim by any worker takes them.
   */
  async release(ids: string[]): Promise<void> {
    await this.#claimOwn(ids, this.#o.reclaimIdleMs);
  }

  /** Re-claims own tasks with the given idle time; JUSTID leaves delivery counts alone. */
  async #claimOwn(ids: string[], idleMs: number): Promise<void> {
    if (!ids.length) return;
    const { redis, keys, consumer } = this.#o;
    await redis.xclaim(
      this.stream,
      keys.consumerGroup,
      consumer,
      0,
      ...ids,
      "IDLE",
      idleMs,
      "JUSTID",
    );
  }

  /**
   * Moves a task to the dead-letter stream with the reason, then acknowledges it. The
   * entry holds what identifies the check, never its headers or body (they may carry
   * credentials), and dead letters expire after {@link DEAD_LETTER_TTL_MS}.
   */
  async deadLetter(delivery: Delivery, reason: string): Promise<void> {
    const { redis, keys, region } = this.#o;
    const key = keys.deadLetters(region);
    const oldest = Date.now() - DEAD_LETTER_TTL_MS;
    await redis.multi()
      .xadd(
        key,
        "MINID",
        "~",
        `${oldest}-0`,
        "*",
        "t",
        deadLetterSummary(delivery),
        "id",
        delivery.id,
        "reason",
        reason,
      )
      .pexpire(key, DEAD_LETTER_TTL_MS)
      .xack(this.stream, keys.consumerGroup, delivery.id)
      .exec();
    metrics.deadLetters.inc({ region });
    log.warn("worker.dead_letter", { taskId: delivery.id, reason });
  }

  async #deliveryCounts(ids: string[]): Promise<Map<string, number>> {
    const pipeline = this.#o.redis.pipeline();
    for (const id of ids) pipeline.xpending(this.stream, this.#o.keys.consumerGroup, id, id, 1);
    const replies = (await pipeline.exec()) ?? [];
    const counts = new Map<string, number>();
    for (const [error, reply] of replies) {
      const row = (reply as [string, string, number, number][] | undefined)?.[0];
      if (!error && row) counts.set(row[0], Number(row[3]));
    }
    return counts;
  }
}

function toDelivery(id: string, fields: string[] | null, deliveries: number): Delivery {
  const at = fields?.indexOf("t") ?? -1;
  const payload = at >= 0 ? fields![at + 1] : undefined;
  return { id, payload, task: decodeTask(payload), deliveries };
}

/** What a dead letter keeps of a task: its identity, the header names, no values, no body. */
function deadLetterSummary(delivery: Delivery): string {
  const task = delivery.task;
  if (!task) return JSON.stringify({ invalid: true, bytes: delivery.payload?.length ?? 0 });
  return JSON.stringify({
    websiteId: task.websiteId,
    url: redactUrl(task.url),
    method: task.method,
    headerNames: Object.keys(task.headers),
    bodyBytes: task.body?.length ?? 0,
    scheduledAt: task.scheduledAt,
    deadline: task.deadline,
  });
}
