/** Small promise helpers every process uses. */

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/**
 * The promise's value, or an Error("<what> timed out") after `ms`; the timer is always
 * cleared, and a late rejection of the abandoned promise is swallowed.
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what = "call"): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} timed out`)), ms);
      }),
    ]);
  } catch (error) {
    promise.catch(() => {});
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Calls `each` on every item, at most `limit` calls running at a time; rejects as one does. */
export async function forEachAtOnce<T>(
  items: readonly T[],
  limit: number,
  each: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const runner = async () => {
    while (next < items.length) await each(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, runner));
}
