/**
 * Where a request's time went, as the `Server-Timing` header a browser shows in its
 * network panel and hands the page (`PerformanceNavigationTiming.serverTiming`):
 * `serverTiming(() => handle(req))` collects, and services name their slow steps with
 * `timed("live", work)` (or `recordTiming` for synchronous work). Outside a collecting request `timed` only runs the work.
 *
 * ```ts
 * const rows = await timed("pg", db.select().from(websites));
 * ```
 */
import { AsyncLocalStorage } from "node:async_hooks";

type Entries = Map<string, number>;
const current = new AsyncLocalStorage<Entries>();

/** Awaits `work`, adding its milliseconds to `name` of the request being collected. */
export async function timed<T>(name: string, work: PromiseLike<T>): Promise<T> {
  const entries = current.getStore();
  if (!entries) return await work;
  const began = performance.now();
  try {
    return await work;
  } finally {
    entries.set(name, (entries.get(name) ?? 0) + performance.now() - began);
  }
}

/** Adds `ms` to `name` of the request being collected (work timed by its caller). */
export function recordTiming(name: string, ms: number): void {
  const entries = current.getStore();
  if (entries) entries.set(name, (entries.get(name) ?? 0) + ms);
}

/**
 * Runs a request handler and adds `Server-Timing` to its response when a step was timed:
 * each step, then `total`, the handler's whole time (rendering included).
 */
export async function serverTiming(handle: () => Promise<Response>): Promise<Response> {
  const entries: Entries = new Map();
  const began = performance.now();
  const response = await current.run(entries, handle);
  if (entries.size === 0) return response;
  entries.set("total", performance.now() - began);
  try {
    response.headers.set(
      "server-timing",
      [...entries].map(([name, ms]) => `${name};dur=${ms.toFixed(1)}`).join(", "),
    );
  } catch { /* immutable headers (a WebSocket upgrade, a fetched response) */ }
  return response;
}
