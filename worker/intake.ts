/**
 * How much work a worker takes on: at most WORKER_CONCURRENCY checks at once, and fewer
 * while its own event loop runs late. A worker offered more than it can do must not take
 * it all: every check it holds competes for the same loop, answers wait unread, and
 * healthy sites time out. So when the loop delay passes `highMs` it stops reading (the
 * tasks stay in the stream for other workers, or for later) and halves the number of
 * checks it runs at once (once a second at most); while the delay stays under `highMs`
 * and there is more to do, the limit grows again by a quarter every `growEveryMs`. A worker also starts low and grows, so
 * that one starting into a backlog does not swallow a thousand tasks at once.
 *
 * An overload is logged once when it begins (`worker.overloaded`) and once when the loop
 * has been calm for `calmMs` (`worker.overload_ended`, with what it cost).
 */
import { log } from "../lib/logger.ts";
import { metrics, reportLoopDelay } from "../lib/metrics.ts";
import { LoopDelay } from "./loop_delay.ts";

export interface IntakeOptions {
  /** WORKER_CONCURRENCY: the most checks at once. */
  max: number;
  region: string;
  /** Checks running now. */
  running(): number;
  /** The limit rose or reading may resume (wake a reader that waits for room). */
  onRoom(): void;
  /** Loop delay from which reading stops and the limit halves; default 300 ms. */
  highMs?: number;
  /** Loop delay under which an overload counts as over; default 50 ms. */
  lowMs?: number;
  /** The limit a worker starts with; default 32 (or `max` if lower). */
  initial?: number;
  growEveryMs?: number;
  calmMs?: number;
}

interface Episode {
  began: number;
  calmSince: number | null;
  maxDelayMs: number;
  lowestLimit: number;
  rerun: number;
}

const MIN_LIMIT = 4;

/**
 * Whether a check that timed out says nothing about its target: our own loop was held up
 * for more than a twentieth of the timeout (at least 200 ms) while it ran, so the target
 * did not get the time its monitor allows.
 */
export function timedOutByOwnDelay(ownDelayMs: number, timeoutMs: number): boolean {
  return ownDelayMs > Math.max(200, timeoutMs / 20);
}

export class Intake {
  readonly loop: LoopDelay;
  #o: Required<IntakeOptions>;
  #limit: number;
  #open = true;
  #demand = false;
  #lastCut = -Infinity;
  #lastGrowth = -Infinity;
  #episode: Episode | null = null;
  #stopped = false;

  constructor(options: IntakeOptions) {
    this.#o = {
      highMs: 300,
      lowMs: 50,
      initial: 32,
      growEveryMs: 250,
      calmMs: 10_000,
      ...options,
    };
    this.#limit = Math.min(this.#o.max, Math.max(MIN_LIMIT, this.#o.initial));
    this.loop = new LoopDelay({ onSample: () => this.#sample() });
  }

  start(): void {
    this.loop.start();
    reportLoopDelay(this.#o.region, () => this.loop.recent() / 1000);
    metrics.checkLimit.set({ region: this.#o.region }, this.#limit);
  }

  stop(): void {
    this.#stopped = true;
    this.loop.stop();
    this.#end();
  }

  /** A check starts: the loop is watched again if it was left alone while idle. */
  busy(): void {
    if (!this.#stopped) this.loop.start();
  }

  /** Checks that may run at once now. */
  get limit(): number {
    return this.#limit;
  }

  /** Whether new tasks may be read now. */
  get open(): boolean {
    return this.#open;
  }

  /** There was more to do than the limit allowed: the limit may grow while the loop is calm. */
  demand(): void {
    this.#demand = true;
  }

  /** A check's timeout passed while the loop was held up `ownDelayMs`: it is run again. */
  rerun(ownDelayMs: number): void {
    metrics.checksRerun.inc({ region: this.#o.region });
    this.#begin(ownDelayMs, "a check timed out while the worker was held up");
    this.#episode!.rerun++;
    this.#episode!.calmSince = null;
  }

  #sample(): void {
    const now = performance.now();
    const delay = this.loop.recent();
    if (delay >= this.#o.highMs) {
      this.#open = false;
      this.#begin(delay, "event loop delay");
      this.#episode!.calmSince = null;
      // Once a window: one stall is one cut, however many probes it spans.
      if (now - this.#lastCut >= 1_000) {
        this.#lastCut = now;
        this.#setLimit(Math.floor(this.#limit / 2));
      }
      return;
    }
    const reopened = !this.#open;
    this.#open = true;
    let grew = false;
    if (
      this.#demand && this.#limit < this.#o.max &&
      now - this.#lastGrowth >= this.#o.growEveryMs && now - this.#lastCut >= 1_000
    ) {
      this.#lastGrowth = now;
      this.#demand = false;
      this.#setLimit(Math.ceil(this.#limit * 1.25));
      grew = true;
    }
    if (reopened || grew) this.#o.onRoom();
    if (this.#episode && delay < this.#o.lowMs) {
      this.#episode.calmSince ??= now;
      if (now - this.#episode.calmSince >= this.#o.calmMs) this.#end();
    }
    // No check running and nothing to recover from: a probe would only wake an idle
    // process ten times a second (a wake-up costs about as much CPU as a check here).
    // The next check starts it again (busy()).
    if (this.#o.running() === 0 && this.#open && !this.#episode) this.loop.stop();
  }

  #setLimit(limit: number): void {
    this.#limit = Math.min(this.#o.max, Math.max(MIN_LIMIT, limit));
    metrics.checkLimit.set({ region: this.#o.region }, this.#limit);
    if (this.#episode) {
      this.#episode.lowestLimit = Math.min(this.#episode.lowestLimit, this.#limit);
    }
  }

  #begin(delayMs: number, reason: string): void {
    if (this.#episode) {
      this.#episode.maxDelayMs = Math.max(this.#episode.maxDelayMs, Math.round(delayMs));
      return;
    }
    this.#episode = {
      began: performance.now(),
      calmSince: null,
      maxDelayMs: Math.round(delayMs),
      lowestLimit: this.#limit,
      rerun: 0,
    };
    log.warn("worker.overloaded", {
      reason,
      delayMs: Math.round(delayMs),
      running: this.#o.running(),
      limit: this.#limit,
    });
  }

  #end(): void {
    const episode = this.#episode;
    if (!episode) return;
    this.#episode = null;
    log.info("worker.overload_ended", {
      seconds: Math.round((performance.now() - episode.began) / 1000),
      maxDelayMs: episode.maxDelayMs,
      lowestLimit: episode.lowestLimit,
      rerun: episode.rerun,
      limit: this.#limit,
    });
  }
}
