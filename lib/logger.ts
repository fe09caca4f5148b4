/**
 * The one logger: a JSON line per event with time, level, process and region.
 *
 * ```ts
 * setLogContext({ process: "worker", region: "ams" });
 * log.info("worker.started", { concurrency: 100 });
 * ```
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { loggableError } from "./loggable_error.ts";

type Level = "debug" | "info" | "warn" | "error";
const ranks: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const context: Record<string, unknown> = { process: "unknown", region: "local" };
let threshold = ranks.info;

/** Sets the fields every line carries (process, region) and the lowest level written. */
export function setLogContext(fields: Record<string, unknown>, level?: Level): void {
  Object.assign(context, fields);
  if (level) threshold = ranks[level];
}

/** Fields of the work in progress (a web request's id, a check's task id). */
const scoped = new AsyncLocalStorage<Record<string, unknown>>();

/**
 * Runs `fn` with `fields` on every line it logs, across awaits:
 * `withLogContext({ requestId }, () => handle(req))`.
 */
export function withLogContext<T>(fields: Record<string, unknown>, fn: () => T): T {
  return scoped.run({ ...scoped.getStore(), ...fields }, fn);
}

function write(level: Level, event: string, fields?: Record<string, unknown>): void {
  if (ranks[level] < threshold) return;
  const line = JSON.stringify({
    ts: new Date().toISOString(),
    level,
    ...context,
    ...scoped.getStore(),
    event,
    ...fields,
  }, replaceErrors);
  if (ranks[level] >= ranks.warn) console.error(line);
  else console.log(line);
}

// Every error written goes through loggableError: a database error becomes its code and
// condition (drizzle's message lists the query's parameters), stacks stay out of shipped
// logs unless debug logging is on.
function replaceErrors(_key: string, value: unknown): unknown {
  if (value instanceof Error) return loggableError(value, threshold <= ranks.debug);
  return value;
}

export const log = {
  debug: (event: string, fields?: Record<string, unknown>) => write("debug", event, fields),
  info: (event: string, fields?: Record<string, unknown>) => write("info", event, fields),
  warn: (event: string, fields?: Record<string, unknown>) => write("warn", event, fields),
  error: (event: string, fields?: Record<string, unknown>) => write("error", event, fields),
};
