/**
 * When to try a failed delivery again: exponential backoff from `baseMs`, doubling per
 * attempt up to an hour, with jitter so deliveries that failed together (one receiver's
 * outage) do not return together. A receiver's Retry-After is honoured when longer.
 */
export const MAX_DELAY_MS = 3_600_000;

export function retryDelayMs(
  attempts: number,
  baseMs: number,
  retryAfterMs?: number,
  random = Math.random,
): number {
  const exponential = Math.min(MAX_DELAY_MS, baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 20));
  const jittered = exponential * (0.5 + random() / 2);
  return Math.round(Math.min(MAX_DELAY_MS, Math.max(jittered, retryAfterMs ?? 0)));
}
