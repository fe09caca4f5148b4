/**
 * A queue's sleep that new work ends early: `wake()` from whoever queued it. A wake that
 * comes while the queue is busy (after `reset()`, before `sleep`) is not lost: the next
 * sleep returns at once.
 */
export class Alarm {
  #ring: (() => void) | null = null;
  #woken = false;

  wake(): void {
    this.#woken = true;
    this.#ring?.();
  }

  /** Before looking for work: only wakes from now on count. */
  reset(): void {
    this.#woken = false;
  }

  /** Until `ms` pass, a wake, or `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (this.#woken || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.#ring = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
      this.#ring = done;
    });
  }
}
