/**
 * The publish cycle: while this instance holds the lease, enqueue one task per
 * (due website, region) and move each website to its next slot (in memory, schedule.ts).
 * Cycles never overlap; a tick that finds the previous cycle still running is skipped and
 * logged.
 *
 * Ticks fall just after wall-clock multiples of the tick: slots are whole seconds, so a
 * tick that divides a second publishes each slot a few milliseconds after it begins
 * rather than up to a whole tick late.
 */
import type postgres from "postgres";
import type { Redis } from "../lib/redis.ts";
import type { RedisKeys } from "../lib/redis_keys.ts";
import { log } from "../lib/logger.ts";
import { metrics } from "../lib/metrics.ts";
import { encodeTask, MAX_TASK_AGE_MS } from "../lib/task.ts";
import { type Defaults, type DueWebsite, Schedule } from "./schedule.ts";
import { enqueueTasks, NotLeaderError, type QueuedTask } from "./enqueue.ts";
import type { LeaderLease } from "./leader_lease.ts";
import type { SecretKey } from "../lib/secret_box.ts";

export interface PublisherOptions {
  sql: postgres.Sql;
  redis: Redis;
  keys: RedisKeys;
  lease: LeaderLease;
  defaults: Defaults;
  /** Websites enqueued per round trip to Redis; the lease is renewed between batches. */
  batchSize?: number;
  /** RECLAIM_IDLE_MS: a task must outlive a takeover from a dead worker. */
  reclaimIdleMs?: number;
  /** How often a schedule that listens for changes reads them anyway (schedule.ts). */
  readAnywayMs?: number;
  /** `SECRETS_KEY`: opens monitors' sealed request headers. */
  secretKeys?: readonly SecretKey[];
}

export interface CycleResult {
  leader: boolean;
  websites: number;
  tasks: number;
}

export class Publisher {
  #options: PublisherOptions;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  #running: Promise<unknown> | null = null;
  #wasLeader = false;
  #failures = 0;
  #schedule: Schedule;

  constructor(options: PublisherOptions) {
    this.#options = options;
    this.#schedule = new Schedule(
      options.sql,
      options.defaults,
      options.readAnywayMs,
      options.secretKeys,
    );
  }

  /** Reads the schedule's changes only when notified of some (see schedule.ts). */
  listenForChanges(): Promise<void> {
    return this.#schedule.listen();
  }

  /** Whether this instance held the lease at its last cycle. */
  get isLeader(): boolean {
    return this.#wasLeader;
  }

  /** One cycle; exported for tests and benchmarks. Throws only on programming errors. */
  async runCycle(now = new Date()): Promise<CycleResult> {
    const { redis, keys, lease } = this.#options;
    const batchSize = this.#options.batchSize ?? 5_000;
    const result: CycleResult = { leader: false, websites: 0, tasks: 0 };
    result.leader = await lease.acquireOrRenew();
    if (result.leader !== this.#wasLeader) {
      log.info(result.leader ? "publisher.leader_acquired" : "publisher.standby", {
        lease: lease.id,
      });
      this.#wasLeader = result.leader;
    }
    if (!result.leader) {
      // Another instance publishes: should this one lead again, it reads everything anew.
      this.#schedule.reset();
      return result;
    }
    const timing = { now: now.getTime(), reclaimIdleMs: this.#options.reclaimIdleMs ?? 0 };
    try {
      await this.#schedule.sync();
      const due = this.#schedule.due(timing.now);
      for (let i = 0; i < due.length; i += batchSize) {
        // Renewed per batch: a long cycle must not outlive its lease halfway through.
        if (i > 0 && !(await lease.acquireOrRenew())) throw new NotLeaderError();
        const batch = due.slice(i, i + batchSize);
        const websites = batch.map((d) => d.website);
        const added = await enqueueTasks(
          redis,
          keys,
          lease,
          tasksByRegion(websites, timing),
          timing.now,
        );
        // Only once on the streams: a batch that failed is still due at the next tick.
        this.#schedule.published(batch);
        result.tasks += added.length;
        result.websites += batch.length;
        // How late each slot went out; one skipped as published before went out then.
        const enqueuedAt = Date.now();
        const enqueued = new Set(added.map((task) => task.websiteId));
        for (const { id, slot } of websites) {
          if (!enqueued.has(id)) continue;
          metrics.publisherLag.observe(Math.max(0, enqueuedAt - slot * 1000) / 1000);
        }
      }
    } catch (error) {
      if (!(error instanceof NotLeaderError)) throw error;
      lease.lost();
      this.#schedule.reset();
      this.#wasLeader = false;
      result.leader = false;
      log.warn("publisher.lease_lost", { lease: lease.id, published: result.tasks });
    }
    return result;
  }

  /** Runs a cycle every `tickMs` until {@link stop}. */
  start(tickMs: number): void {
    void this.listenForChanges();
    const tick = () => {
      if (this.#running) {
        log.warn("publisher.overrun", { tickMs });
        return;
      }
      const began = Date.now();
      this.#running = this.runCycle()
        .then((result) => {
          if (result.tasks) {
            log.debug("publisher.cycle", { ...result, ms: Date.now() - began });
          }
        })
        .then(() => {
          if (this.#failures) log.info("publisher.recovered", { failedCycles: this.#failures });
          this.#failures = 0;
        }, (error) => {
          // One line per outage (Postgres or Redis away), not one per tick.
          if (this.#failures++ === 0) log.error("publisher.cycle_failed", { error });
        })
        .finally(() => this.#running = null);
    };
    const schedule = () => {
      if (this.#stopped) return;
      this.#timer = setTimeout(() => {
        tick();
        schedule();
      }, untilNextTick(Date.now(), tickMs));
    };
    tick();
    schedule();
  }

  /** Stops ticking, waits for a running cycle and gives up the lease. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    await this.#schedule.unlisten();
    if (this.#wasLeader) await this.#options.lease.release().catch(() => {});
  }
}

/** Past the multiple, so timer jitter never lands a tick just before the second it is for. */
const TICK_MARGIN_MS = 5;

/** Milliseconds from `now` to the next tick: just after the next multiple of `tickMs`. */
export function untilNextTick(now: number, tickMs: number): number {
  return tickMs - ((now - TICK_MARGIN_MS) % tickMs + tickMs) % tickMs;
}

/**
 * A task is worth running until the next slot comes, or until another worker could take
 * it over from a dead one and still run it; never past MAX_TASK_AGE_MS, and counted from
 * now when the slot itself is already past (a publisher that was away).
 */
function deadline(website: DueWebsite, timing: { now: number; reclaimIdleMs: number }): number {
  const lifetime = Math.max(
    website.intervalSeconds * 1000,
    timing.reclaimIdleMs + 2 * website.timeoutMs,
  );
  return Math.max(website.slot * 1000, timing.now) + Math.min(lifetime, MAX_TASK_AGE_MS);
}

function tasksByRegion(
  websites: DueWebsite[],
  timing: { now: number; reclaimIdleMs: number },
): Map<string, QueuedTask[]> {
  const byRegion = new Map<string, QueuedTask[]>();
  for (const website of websites) {
    const payload = encodeTask({
      websiteId: website.id,
      url: website.url,
      method: website.method,
      headers: website.headers,
      body: website.body,
      timeoutMs: website.timeoutMs,
      expectedStatus: website.expectedStatus,
      keyword: website.keyword,
      type: website.type,
      forbiddenKeyword: website.forbiddenKeyword,
      degradedMs: website.degradedMs,
      ...(website.jsonPath
        ? { jsonPath: website.jsonPath, jsonExpected: website.jsonExpected }
        : {}),
      ...(website.refusal ? { refusal: website.refusal } : {}),
      scheduledAt: website.slot,
      deadline: deadline(website, timing),
    });
    for (const region of website.regions) {
      let list = byRegion.get(region);
      if (!list) byRegion.set(region, list = []);
      list.push({ websiteId: website.id, slot: website.slot, payload });
    }
  }
  return byRegion;
}
