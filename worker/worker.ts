/**
 * The worker loop: read tasks of this region (new ones, and ones a dead worker left),
 * drop those no longer wanted, run the checks concurrently up to a bound, store the
 * results and only then acknowledge. The bound shrinks while the event loop runs late
 * (intake.ts), and a check that timed out while the loop was held up is handed back to
 * run again, never stored as down. On shutdown it stops reading, lets running checks
 * finish, flushes and acknowledges.
 */
import type postgres from "postgres";
import type { ClickHouse } from "../db/clickhouse/client.ts";
import type { Redis } from "../lib/redis.ts";
import type { RedisKeys } from "../lib/redis_keys.ts";
import { log, withLogContext } from "../lib/logger.ts";
import { metrics } from "../lib/metrics.ts";
import { aborted } from "../lib/lifecycle.ts";
import { type CheckResult, runCheck } from "./check/mod.ts";
import { runTcpCheck } from "./check/tcp.ts";
import { runDnsCheck } from "./check/dns.ts";
import { type Delivery, TaskStream } from "./task_stream.ts";
import { type PendingResult, ResultStore } from "./result_store.ts";
import { publishLiveResults } from "../services/live_status/publish.ts";
import { Watchdog } from "./watchdog.ts";
import { ConsumerLiveness, LIVENESS_TTL_MS, TAKEOVER_EVERY_MS } from "./liveness.ts";
import { sleep } from "../lib/async.ts";
import { evaluateStoredResults } from "../services/incidents/evaluation/evaluate.ts";
import { relayIncidentEvents } from "../services/incidents/evaluation/event_relay.ts";
import { backoffDelay } from "../lib/backoff.ts";
import { Intake, timedOutByOwnDelay } from "./intake.ts";
import { inWindow, type MaintenanceWindow } from "../lib/maintenance_window.ts";
import { ActiveWebsites } from "./active_websites.ts";

export interface WorkerOptions {
  sql: postgres.Sql;
  redis: Redis;
  /** A connection for the blocking read alone. */
  reader: Redis;
  ch: ClickHouse;
  keys: RedisKeys;
  region: string;
  consumer?: string;
  concurrency: number;
  reclaimIdleMs: number;
  maxDeliveries: number;
  allowPrivateTargets: boolean;
  /** Results held while ClickHouse is away before reading pauses. */
  maxBuffered?: number;
  flushRows?: number;
  flushDelayMs?: number;
  /** How long to wait for running checks and the last flush on shutdown. */
  shutdownMs?: number;
  noProgressMs?: number;
}

export interface WorkerStats {
  checked: number;
  stored: number;
  dropped: number;
  deadLettered: number;
  /** Checks that timed out while this worker was held up, handed back to run again. */
  rerun: number;
}

const READ_BLOCK_MS = 1_000;
/** How often the outbox is swept for events a killed worker committed but did not send. */
const RELAY_SWEEP_MS = 5_000;

export class Worker {
  readonly consumer: string;
  readonly stats: WorkerStats = { checked: 0, stored: 0, dropped: 0, deadLettered: 0, rerun: 0 };
  #o: WorkerOptions;
  #stream: TaskStream;
  #store: ResultStore;
  #watchdog: Watchdog;
  #liveness: ConsumerLiveness;
  #intake: Intake;
  /**
   * Running checks: their stream ids, and an abort of their own for a shutdown deadline
   * that nears. One signal shared by every check would hold a listener per running check,
   * and removing each would cost as much as the number running (a few percent of a
   * saturated worker's time).
   */
  #running = new Map<Promise<void>, { id: string; cutOff: AbortController }>();
  #unfinished: string[] = [];
  /** Checks our own delay made inconclusive, on their way back to the group. */
  #handBack: string[] = [];
  #handingBack: Promise<void> | null = null;
  /** Handed-back tasks wait in the group: reclaim from the oldest at the next chance. */
  #reclaimSoon = false;
  #reclaimFromStart = false;
  #readAhead: Delivery[] = [];
  #capacityFreed: (() => void) | null = null;
  /** Stored results waiting for their incident evaluation (kept claimed meanwhile). */
  #evaluating: string[] = [];
  #draining = false;
  #relaying: Promise<void> | null = null;
  #relayAgain = false;
  #active: ActiveWebsites;

  constructor(options: WorkerOptions) {
    this.#o = options;
    this.#active = new ActiveWebsites(options.sql);
    this.consumer = options.consumer ??
      `${Deno.hostname()}-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
    this.#stream = new TaskStream({
      reader: options.reader,
      redis: options.redis,
      keys: options.keys,
      region: options.region,
      consumer: this.consumer,
      reclaimIdleMs: options.reclaimIdleMs,
      maxDeliveries: options.maxDeliveries,
    });
    this.#store = new ResultStore({
      ch: options.ch,
      flushRows: options.flushRows,
      flushDelayMs: options.flushDelayMs,
      onStored: (results) => this.#acknowledge(results),
      // Retrying a ClickHouse that is away is progress: exiting would lose the buffer.
      onAttempt: () => this.#watchdog.progress(),
    });
    this.#liveness = new ConsumerLiveness({
      redis: options.redis,
      keys: options.keys,
      region: options.region,
      consumer: this.consumer,
    });
    this.#intake = new Intake({
      max: options.concurrency,
      region: options.region,
      running: () => this.#running.size,
      onRoom: () => this.#wake(),
    });
    this.#watchdog = new Watchdog({
      stallMs: 10_000,
      noProgressMs: options.noProgressMs ?? 300_000,
      pending: () => this.#running.size + this.#store.pending,
    });
  }

  /** Checks running now. */
  get running(): number {
    return this.#running.size;
  }

  /** Runs until `signal` aborts, then drains; resolves when everything is acknowledged. */
  async run(signal: AbortSignal): Promise<void> {
    await this.#stream.ensureGroup();
    await this.#active.listen();
    await this.#liveness.start();
    this.#watchdog.start();
    this.#intake.start();
    const keepClaimed = setInterval(() => {
      this.#stream.touch(this.#heldIds()).catch(() => {});
    }, Math.max(1_000, this.#o.reclaimIdleMs / 3));
    const sweepOutbox = setInterval(() => this.#relay(), RELAY_SWEEP_MS);
    const reportStats = setInterval(() => log.info("worker.stats", { ...this.stats }), 60_000);
    let lastReclaim = 0;
    let lastTakeover = 0;
    let failures = 0;
    const stopped = aborted(signal); // one listener, not one per wait
    try {
      while (!signal.aborted) {
        const wanted = this.#wanted();
        if (wanted === 0) {
          await Promise.race([
            new Promise<void>((resolve) => this.#capacityFreed = resolve),
            stopped,
          ]);
          continue;
        }
        try {
          let batch: Delivery[] = [];
          if (Date.now() - lastTakeover >= TAKEOVER_EVERY_MS) {
            batch = await this.#takeOverFromDead(wanted);
            // Took some: look again as soon as there is room, for the rest or to remove
            // the consumer this emptied.
            lastTakeover = batch.length ? 0 : Date.now();
          }
          if (
            !batch.length && (this.#reclaimSoon ||
              Date.now() - lastReclaim >= Math.min(this.#o.reclaimIdleMs, 30_000))
          ) {
            lastReclaim = Date.now();
            const fromStart = this.#reclaimFromStart;
            this.#reclaimFromStart = false;
            batch = await this.#stream.reclaim(wanted, fromStart);
            // A hand-back meanwhile asks for another pass from the start.
            if (this.#stream.reclaimedAll && !this.#reclaimFromStart) this.#reclaimSoon = false;
          }
          if (!batch.length) batch = await this.#stream.read(wanted, READ_BLOCK_MS);
          // The stream had at least as much as there was room for.
          if (batch.length >= wanted) this.#intake.demand();
          await this.#accept(batch);
          failures = 0;
        } catch (error) {
          failures++;
          if (failures === 1) log.error("worker.read_failed", { error });
          // A Redis that restarted without persistence has lost the group with the stream.
          if (String(error).includes("NOGROUP")) await this.#stream.ensureGroup().catch(() => {});
          await sleep(backoffDelay(failures, { baseMs: 200, maxMs: 5_000 }));
        }
      }
    } finally {
      clearInterval(keepClaimed);
      clearInterval(reportStats);
      clearInterval(sweepOutbox);
      this.#intake.stop();
      await this.#drain();
      await this.#leaveGroup();
      this.#watchdog.stop();
      await this.#active.unlisten();
      log.info("worker.drained", { ...this.stats, pending: this.#store.pending });
    }
  }

  /**
   * Claims the tasks of consumers that stopped announcing themselves (see liveness.ts),
   * up to `wanted`, and removes dead consumers that hold nothing any more.
   */
  async #takeOverFromDead(wanted: number): Promise<Delivery[]> {
    const dead = await this.#liveness.dead(await this.#stream.consumers());
    const batch: Delivery[] = [];
    for (const consumer of dead) {
      if (consumer.pending === 0) {
        await this.#stream.removeConsumer(consumer.name);
        log.info("worker.consumer_removed", { consumer: consumer.name });
      } else if (batch.length < wanted) {
        const taken = await this.#stream.takeOver(
          consumer.name,
          wanted - batch.length,
          LIVENESS_TTL_MS,
        );
        if (taken.length) {
          log.info("worker.took_over", { from: consumer.name, tasks: taken.length });
        }
        batch.push(...taken);
      }
    }
    return batch;
  }

  /** Stream ids of every task this worker holds: read ahead, running, awaiting storage. */
  #heldIds(): string[] {
    return [
      ...this.#readAhead.map((d) => d.id),
      ...[...this.#running.values()].map((check) => check.id),
      ...this.#store.pendingIds(),
      ...this.#evaluating,
    ];
  }

  /**
   * Stops announcing; a worker that holds nothing leaves the group, one that still holds
   * tasks (ClickHouse away) leaves them for a live worker to take over.
   */
  async #leaveGroup(): Promise<void> {
    await this.#liveness.stop();
    if (this.#store.pending || this.#running.size) return;
    try {
      const own = (await this.#stream.consumers()).find((c) => c.name === this.consumer);
      if (own && own.pending === 0) await this.#stream.removeConsumer(this.consumer);
    } catch (error) {
      log.warn("worker.leave_failed", { error });
    }
  }

  /**
   * How many tasks to read now: none while the event loop runs late (they stay in the
   * stream for other workers). Besides the running checks, up to half as many again
   * wait here read ahead, so a check that ends is replaced at once instead of after a
   * round trip to Redis and Postgres; 0 until a quarter of that is free, so reads and
   * lookups come in batches.
   */
  #wanted(): number {
    const bufferLimit = this.#o.maxBuffered ?? 20_000;
    if (this.#store.pending >= bufferLimit || !this.#intake.open) return 0;
    const limit = this.#intake.limit + Math.ceil(this.#intake.limit / 2);
    const free = limit - this.#running.size - this.#readAhead.length;
    return free >= Math.ceil(limit / 4) ? free : 0;
  }

  /** Starts read-ahead checks while slots are free. */
  #fill(): void {
    while (this.#running.size < this.#intake.limit && this.#readAhead.length) {
      this.#start(this.#readAhead.shift()!);
    }
    if (this.#readAhead.length) this.#intake.demand();
  }

  /** Lets the read loop go on if it waits for room. */
  #wake(): void {
    this.#capacityFreed?.();
    this.#capacityFreed = null;
  }

  /** Sorts a batch: invalid → dead letters; stale, deleted or paused → acknowledged; rest → run. */
  async #accept(batch: Delivery[]): Promise<void> {
    if (!batch.length) return;
    const now = Date.now();
    const unwanted: string[] = [];
    const due: Delivery[] = [];
    for (const delivery of batch) {
      if (!delivery.task) {
        await this.#stream.deadLetter(delivery, "not a valid task");
        this.stats.deadLettered++;
      } else if (delivery.task.deadline < now) {
        unwanted.push(delivery.id);
      } else {
        due.push(delivery);
      }
    }
    const active = await this.#activeWebsites(due);
    for (const delivery of due) {
      const windows = active?.get(delivery.task!.websiteId);
      if (active && !windows) unwanted.push(delivery.id);
      else {
        delivery.maintenance = windows;
        this.#readAhead.push(delivery);
      }
    }
    this.#fill();
    this.stats.dropped += unwanted.length;
    await this.#stream.ack(unwanted);
  }

  /**
   * The websites of these tasks that still exist and are not paused, each with its
   * maintenance windows that had not ended when Postgres was asked.
   */
  async #activeWebsites(
    due: Delivery[],
  ): Promise<Map<string, readonly MaintenanceWindow[]> | null> {
    if (!due.length) return new Map();
    const ids = [...new Set(due.map((d) => d.task!.websiteId))];
    try {
      return await this.#active.of(ids);
    } catch (error) {
      // Without Postgres, checking a website that was just paused beats not checking at all
      // (its result is then counted even if a maintenance window holds).
      log.warn("worker.active_lookup_failed", { error });
      return null;
    }
  }

  #start(delivery: Delivery): void {
    const task = delivery.task!;
    this.#intake.busy();
    const startedAt = Date.now();
    const loopMark = this.#intake.loop.total();
    const cutOff = new AbortController();
    const options = { allowPrivateTargets: this.#o.allowPrivateTargets, signal: cutOff.signal };
    // Every line logged during the check names its task.
    const checked = withLogContext(
      { taskId: delivery.id, websiteId: task.websiteId },
      () =>
        task.refusal
          ? Promise.resolve(refused(task.refusal))
          : task.type === "tcp"
          ? runTcpCheck({ url: task.url, timeoutMs: task.timeoutMs }, options)
          : task.type === "dns"
          ? runDnsCheck({
            url: task.url,
            expected: task.keyword,
            timeoutMs: task.timeoutMs,
            degradedMs: task.degradedMs,
          }, options)
          : runCheck({
            url: task.url,
            method: task.method,
            headers: task.headers,
            body: task.body,
            timeoutMs: task.timeoutMs,
            expectedStatus: task.expectedStatus,
            keyword: task.keyword,
            forbiddenKeyword: task.forbiddenKeyword,
            jsonPath: task.jsonPath,
            jsonExpected: task.jsonExpected,
            degradedMs: task.degradedMs,
          }, options),
    );
    const running: Promise<void> = checked.then((result) => {
      // Cut off by shutdown: no result to store; the task goes back to the group.
      if (cutOff.signal.aborted) return void this.#unfinished.push(delivery.id);
      // Our loop held up, not the target: this timeout says nothing about the site.
      const ownDelayMs = this.#intake.loop.total() - loopMark;
      if (result.errorKind === "timeout" && timedOutByOwnDelay(ownDelayMs, task.timeoutMs)) {
        this.stats.rerun++;
        this.#intake.rerun(ownDelayMs);
        return this.#giveBack(delivery.id);
      }
      this.stats.checked++;
      metrics.checks.inc({ region: this.#o.region, outcome: result.outcome });
      metrics.checkDuration.observe({ region: this.#o.region }, (Date.now() - startedAt) / 1000);
      this.#store.add({
        streamId: delivery.id,
        redelivered: delivery.deliveries > 1,
        row: {
          website_id: task.websiteId,
          region_id: this.#o.region,
          scheduled_at: task.scheduledAt,
          checked_at: Math.floor(startedAt / 1000),
          outcome: result.outcome,
          http_status: result.httpStatus,
          response_ms: result.responseMs,
          error_kind: result.errorKind,
          error_message: result.errorMessage,
          dns_ms: result.timings.dnsMs,
          connect_ms: result.timings.connectMs,
          tls_ms: result.timings.tlsMs,
          ttfb_ms: result.timings.ttfbMs,
          cert_days_left: result.certDaysLeft,
          ...(result.response ? { response: result.response } : {}),
          // Slow because of us is not slow: degraded only by the target's own share.
          degraded: result.degraded &&
              result.responseMs - ownDelayMs > (task.degradedMs ?? Infinity)
            ? 1
            : 0,
          // The evaluation's rule and time: a check that opens no incident counts for no uptime.
          maintenance: inWindow(delivery.maintenance ?? [], Math.floor(startedAt / 1000) * 1000)
            ? 1
            : 0,
        },
      });
    }).catch((error) => {
      // runCheck never throws; this would be a bug here, which must not end the process.
      log.error("worker.check_failed", { error });
    }).finally(() => {
      this.#running.delete(running);
      this.#fill();
      this.#wake();
    });
    this.#running.set(running, { id: delivery.id, cutOff });
  }

  /**
   * Evaluates stored results for incidents, then acknowledges them: a task is done only
   * once its result counted. While Postgres is away the evaluation is retried and the
   * tasks stay claimed; on shutdown they are left pending for another worker.
   */
  async #acknowledge(results: PendingResult[]): Promise<void> {
    this.#evaluating = results.map((r) => r.streamId);
    try {
      for (let failures = 0;; failures++) {
        try {
          const { events } = await evaluateStoredResults(this.#o.sql, results.map((r) => r.row));
          if (failures) log.info("worker.evaluation_recovered", { attempts: failures });
          if (events) this.#relay();
          break;
        } catch (error) {
          this.#watchdog.progress();
          if (failures === 0 || failures % 20 === 0) {
            log.error("worker.evaluation_failed", { results: results.length, error });
          }
          if (this.#draining) return;
          await sleep(Math.min(5_000, 100 * 2 ** Math.min(failures, 6)) * (0.5 + Math.random()));
        }
      }
    } finally {
      this.#evaluating = [];
    }
    await this.#stream.ack(results.map((r) => r.streamId));
    this.stats.stored += results.length;
    this.#watchdog.progress();
    this.#capacityFreed?.();
    this.#capacityFreed = null;
    await publishLiveResults(this.#o.redis, this.#o.keys, results.map((r) => r.row))
      .catch((error) => log.warn("worker.live_publish_failed", { error }));
  }

  /** Sends outbox events to the stream; one relay at a time per worker. */
  #relay(): void {
    if (this.#relaying) {
      this.#relayAgain = true; // events committed after this relay read the outbox
      return;
    }
    this.#relaying = relayIncidentEvents(this.#o.sql, this.#o.redis, this.#o.keys)
      .then(() => {}, (error) => log.warn("worker.incident_relay_failed", { error }))
      .finally(() => {
        this.#relaying = null;
        if (this.#relayAgain) {
          this.#relayAgain = false;
          this.#relay();
        }
      });
  }

  /** Hands a task back to the group in a batch with others, for any worker to run again. */
  #giveBack(id: string): void {
    if (this.#draining) return void this.#unfinished.push(id);
    this.#handBack.push(id);
    this.#handingBack ??= this.#handBackAll();
  }

  async #handBackAll(): Promise<void> {
    await Promise.resolve(); // the other checks that timed out in the same turn join
    while (this.#handBack.length) await this.#release(this.#handBack.splice(0));
    // In the same turn as the last look at the list: a later id starts a new round.
    this.#handingBack = null;
    this.#reclaimSoon = true;
    this.#reclaimFromStart = true;
    this.#wake();
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    // Read ahead but not started: hand back at once, for another worker to run now.
    await this.#release(this.#readAhead.splice(0).map((d) => d.id));
    const deadline = Date.now() + (this.#o.shutdownMs ?? 12_000);
    // Checks may take up to a minute; leave time to store what finished and to hand back
    // what did not, so the process ends within its supervisor's kill timeout.
    const cutOff = setTimeout(
      () => this.#running.forEach((check) => check.cutOff.abort()),
      Math.max(0, deadline - Date.now() - 3_000),
    );
    await Promise.allSettled(this.#running.keys());
    clearTimeout(cutOff);
    await this.#handingBack;
    await this.#release(this.#unfinished.splice(0));
    const stored = await this.#store.drain(deadline);
    // Whatever is left stays pending in Redis and is reclaimed by another worker.
    if (!stored) log.warn("worker.drain_incomplete", { pending: this.#store.pending });
    while (this.#relaying) await this.#relaying;
  }

  async #release(ids: string[]): Promise<void> {
    await this.#stream.release(ids).catch((error) => {
      log.warn("worker.release_failed", { tasks: ids.length, error });
    });
  }
}

/** The result of a check that cannot run as its monitor is set: down, saying why. */
function refused(reason: string): CheckResult {
  return {
    outcome: "down",
    httpStatus: 0,
    responseMs: 0,
    errorKind: "invalid",
    errorMessage: reason,
    degraded: false,
    timings: { dnsMs: 0, connectMs: 0, tlsMs: 0, ttfbMs: 0 },
    certDaysLeft: null,
  };
}
