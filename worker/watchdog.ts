/**
 * Exits the process (status 1, for the supervisor to restart it) when the event loop
 * stalls or when tasks are pending and nothing has been acknowledged for too long. A
 * restarted worker loses nothing: its pending tasks are reclaimed by the group.
 */
import { log } from "../lib/logger.ts";

export interface WatchdogOptions {
  stallMs: number;
  noProgressMs: number;
  pending(): number;
  exit?: (reason: string) => void;
}

export class Watchdog {
  #o: WatchdogOptions;
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastTick = Date.now();
  #lastProgress = Date.now();

  constructor(options: WatchdogOptions) {
    this.#o = options;
  }

  start(intervalMs = 1_000): void {
    this.#timer = setInterval(() => this.#inspect(intervalMs), intervalMs);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Called whenever results are acknowledged. */
  progress(): void {
    this.#lastProgress = Date.now();
  }

  #inspect(intervalMs: number): void {
    const now = Date.now();
    const lag = now - this.#lastTick - intervalMs;
    this.#lastTick = now;
    if (lag > this.#o.stallMs) return this.#fail(`event loop stalled for ${lag} ms`);
    if (this.#o.pending() === 0) {
      this.#lastProgress = now;
    } else if (now - this.#lastProgress > this.#o.noProgressMs) {
      this.#fail(`no progress for ${now - this.#lastProgress} ms with tasks pending`);
    }
  }

  #fail(reason: string): void {
    this.stop();
    log.error("worker.watchdog", { reason });
    (this.#o.exit ?? (() => Deno.exit(1)))(reason);
  }
}
