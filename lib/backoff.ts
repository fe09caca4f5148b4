/**
 * The one retry backoff: exponential, capped, with "equal jitter" (a delay between half
 * and all of the step), so that many clients failing together do not retry together and
 * no retry comes sooner than half the step. Used by Redis reconnects, the worker's read
 * loop, the result store, the Fly client and the browser's live client (this module has
 * no imports, so islands can bundle it).
 *
 * ```ts
 * await sleep(backoffDelay(failures, { baseMs: 100, maxMs: 5_000 }));
 * ```
 */
export interface Backoff {
  /** The step of the first retry. */
  baseMs: number;
  /** The largest step. */
  maxMs: number;
}

/** The delay before retry number `attempt` (1 is the first retry): base·2^(attempt−1), capped, jittered. */
export function backoffDelay(attempt: number, backoff: Backoff, random = Math.random): number {
  const doublings = Math.min(Math.max(0, attempt - 1), 30);
  const step = Math.min(backoff.maxMs, backoff.baseMs * 2 ** doublings);
  return step / 2 + random() * (step / 2);
}
