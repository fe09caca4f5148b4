/**
 * One check result as workers publish it (the live-status hash and the results channel),
 * defined once for the worker that writes it and the API, WebSocket and islands that read
 * it. Imports nothing but zod, so island bundles can use it.
 */
import { z } from "zod";

export const liveResultSchema = z.object({
  websiteId: z.uuid(),
  region: z.string().max(64),
  outcome: z.enum(["up", "down"]),
  httpStatus: z.number().int().min(0).max(999),
  responseMs: z.number().min(0),
  errorKind: z.string().max(64),
  /** Epoch milliseconds, like every timestamp the API and WebSocket send. */
  checkedAt: z.number().min(0),
  /** Epoch milliseconds: the slot the check was scheduled for. */
  scheduledAt: z.number().min(0),
});
export type LiveResult = z.infer<typeof liveResultSchema>;

/** The stored JSON read with `schema` (all or part of a live result), or null. */
export function parseLiveJson<T>(json: string | undefined, schema: z.ZodType<T>): T | null {
  if (!json) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
