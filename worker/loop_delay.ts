/**
 * How late this process runs its callbacks: a timer due every `intervalMs` records by how
 * much it fires late. While the event loop is busy (too many checks at once, a long
 * synchronous task, the machine's CPU taken by others) every callback waits, including the
 * one that would have read a target's answer; a check's timeout then measures us, not the
 * target.
 *
 * ```ts
 * const loop = new LoopDelay();
 * loop.start();
 * const mark = loop.total();
 * // ... a check runs ...
 * const ownDelayMs = loop.total() - mark; // how long our loop was held up meanwhile
 * ```
 */

export interface LoopDelayOptions {
  /** How often the probe timer is due; default 100 ms. */
  intervalMs?: number;
  /** Lateness up to this is scheduling noise, not a stall; default 20 ms. */
  jitterMs?: number;
  /** `recent()` is the largest lateness over this long; default 500 ms. */
  windowMs?: number;
  /** Called after every probe with the lateness just measured. */
  onSample?: (lateMs: number) => void;
}

export class LoopDelay {
  #intervalMs: number;
  #jitterMs: number;
  #windowMs: number;
  #onSample?: (lateMs: number) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #due = 0;
  /** Every stall so far, summed. */
  #stalledMs = 0;
  /** Lateness of the recent probes, oldest first: [when, ms]. */
  #samples: [number, number][] = [];

  constructor(options: LoopDelayOptions = {}) {
    this.#intervalMs = options.intervalMs ?? 100;
    this.#jitterMs = options.jitterMs ?? 20;
    this.#windowMs = options.windowMs ?? 500;
    this.#onSample = options.onSample;
  }

  start(): void {
    if (this.#timer !== undefined) return;
    this.#schedule(performance.now());
  }

  /** Stops probing; what was measured so far stays, and {@link start} carries on. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Whether the probe runs. */
  get watching(): boolean {
    return this.#timer !== undefined;
  }

  /**
   * Milliseconds the loop has been held up since it started, the stall in progress
   * included (a callback running now may be the first one after a long block).
   */
  total(): number {
    return this.#stalledMs + this.#stall(this.#pending());
  }

  /** The largest lateness over the last `windowMs`, the stall in progress included. */
  recent(): number {
    const since = performance.now() - this.#windowMs;
    let largest = this.#pending();
    for (const [at, ms] of this.#samples) if (at >= since && ms > largest) largest = ms;
    return largest;
  }

  #pending(): number {
    return this.#timer === undefined ? 0 : Math.max(0, performance.now() - this.#due);
  }

  #stall(lateMs: number): number {
    return lateMs > this.#jitterMs ? lateMs : 0;
  }

  #schedule(now: number): void {
    this.#due = now + this.#intervalMs;
    this.#timer = setTimeout(() => this.#probe(), this.#intervalMs);
    // The probe alone must not keep a process alive.
    Deno.unrefTimer(this.#timer as unknown as number);
  }

  #probe(): void {
    const now = performance.now();
    const late = Math.max(0, now - this.#due);
    this.#stalledMs += this.#stall(late);
    this.#samples.push([now, late]);
    const since = now - this.#windowMs;
    while (this.#samples.length && this.#samples[0][0] < since) this.#samples.shift();
    this.#schedule(now);
    this.#onSample?.(late);
  }
}
