/**
 * A check task: what the publisher puts on a region's stream and a worker runs. It
 * carries everything the check needs, so a worker reads Postgres only to learn whether
 * the website was deleted or paused since.
 */
import { z } from "zod";

export const taskSchema = z.object({
  websiteId: z.uuid(),
  url: z.string().url(),
  method: z.string().min(1).max(16),
  headers: z.record(z.string(), z.string()),
  body: z.string().nullable(),
  timeoutMs: z.number().int().positive(),
  expectedStatus: z.number().int().min(100).max(599).nullable(),
  keyword: z.string().nullable(),
  /** Defaults keep tasks enqueued before these fields existed valid. */
  type: z.enum(["http", "tcp", "dns"]).default("http"),
  forbiddenKeyword: z.string().nullable().default(null),
  degradedMs: z.number().int().positive().nullable().default(null),
  /** Left out of the payload when not set. */
  jsonPath: z.string().nullable().default(null),
  jsonExpected: z.string().nullable().default(null),
  /**
   * Why the check cannot run as its monitor is set (its request headers no key of
   * `SECRETS_KEY` opens): the worker stores a down result saying so, runs nothing.
   */
  refusal: z.string().optional(),
  /** The slot this check belongs to, in whole seconds: with website and region, its identity. */
  scheduledAt: z.number().int().positive(),
  /** Epoch ms after which running the check is worthless (the next slot has come). */
  deadline: z.number().int().positive(),
});

/** A task as read; `z.input` is what may be written (new fields optional). */
export type Task = z.output<typeof taskSchema>;

/** The longest timeout a website may set (a deployment's CHECK_TIMEOUT_MS may be longer). */
export const MAX_WEBSITE_TIMEOUT_MS = 60_000;

/**
 * What RECLAIM_IDLE_MS must exceed beyond the longest timeout: a task waits its turn in
 * the worker and its result is re-marked as held only every few seconds.
 */
export const RECLAIM_MARGIN_MS = 30_000;

/** Tasks live at most this long on a stream; streams are trimmed by age beyond it. */
export const MAX_TASK_AGE_MS = 10 * 60_000;

export function encodeTask(task: z.input<typeof taskSchema>): string {
  return JSON.stringify(task);
}

/** The task, or null when the payload is not a valid task (it goes to the dead letters). */
export function decodeTask(payload: string | undefined): Task | null {
  if (payload === undefined) return null;
  try {
    const parsed = taskSchema.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
