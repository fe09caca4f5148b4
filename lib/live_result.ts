/**
 * One check result as workers publish it (the live-status hash and the results channel),
 * defined once for the worker that writes it and the API, WebSocket and islands that read
 * it. Built with `zod/mini`, which bundles only what it uses: islands that follow live
 * results load a few KB of it, not the whole of zod.
 */
import * as z from "zod/mini";

/** Longer messages are cut to this many characters before they are published. */
export const MAX_MESSAGE = 500;
/** The answer that failed a check is cut to this many characters (it is about 2,000). */
export const MAX_RESPONSE = 4_096;

const whole = (min: number, max: number) => z.int().check(z.minimum(min), z.maximum(max));

export const liveResultSchema = z.object({
  websiteId: z.uuid(),
  region: z.string().check(z.maxLength(64)),
  outcome: z.enum(["up", "down"]),
  httpStatus: whole(0, 999),
  responseMs: z.number().check(z.minimum(0)),
  errorKind: z.string().check(z.maxLength(64)),
  /** What went wrong, in words (empty when up); absent in older results. */
  errorMessage: z.optional(z.string().check(z.maxLength(MAX_MESSAGE))),
  /** Up but slower than the monitor's threshold (shown amber); absent in older results. */
  degraded: z.optional(z.boolean()),
  /** Checked while the monitor was under maintenance: counted in no uptime; else absent. */
  maintenance: z.optional(z.boolean()),
  /**
   * Of a check failed by its answer: its status, headers and start of the body
   * (worker/check/response_excerpt.ts), for the owner's recent checks; absent otherwise.
   */
  response: z.optional(z.string().check(z.maxLength(MAX_RESPONSE))),
  /** Days left on the TLS certificate; absent without TLS. */
  certDaysLeft: z.optional(z.nullable(z.int())),
  /** Epoch milliseconds, like every timestamp the API and WebSocket send. */
  checkedAt: z.number().check(z.minimum(0)),
  /** Epoch milliseconds: the slot the check was scheduled for. */
  scheduledAt: z.number().check(z.minimum(0)),
});
export type LiveResult = z.infer<typeof liveResultSchema>;

type ResultField = keyof LiveResult;

/** The schema of some fields of a live result, for readers that need only those. */
export function liveResultFields<const K extends ResultField>(
  ...fields: K[]
): z.ZodMiniType<Pick<LiveResult, K>> {
  const mask: Partial<Record<ResultField, true>> = {};
  for (const field of fields) mask[field] = true;
  return z.pick(liveResultSchema, mask) as unknown as z.ZodMiniType<Pick<LiveResult, K>>;
}

/** The stored JSON read with `schema` (all or part of a live result), or null. */
export function parseLiveJson<T>(
  json: string | undefined,
  schema: z.ZodMiniType<T>,
): T | null {
  if (!json) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
