/** What callers may send to the maintenance services, checked before any query runs. */
import { z } from "zod";

/** The longest window: a longer one is a pause, which monitors have (`setActive`). */
export const MAX_WINDOW_MS = 31 * 24 * 3_600_000;

const epochMs = (field: string) =>
  z.number({ error: `${field}: must be a time (epoch milliseconds)` }).int(
    `${field}: must be a whole number of milliseconds`,
  ).min(0, `${field}: must be a time after 1970`);

/** What is wrong with a window from `startsAt` to `endsAt`, or null. */
export function spanProblem(startsAt: number, endsAt: number): string | null {
  if (endsAt <= startsAt) return "endsAt: must be after the start";
  if (endsAt - startsAt > MAX_WINDOW_MS) {
    return "endsAt: a window lasts at most 31 days; pause the monitor for longer";
  }
  return null;
}

const windowId = z.uuid({ error: "id: not a maintenance window id" });

export const maintenanceIdInput = z.object({ id: windowId });

const windowFields = {
  title: z.string().trim()
    .min(1, "title: must not be empty")
    .max(100, "title: at most 100 characters"),
  message: z.string().trim().max(1_000, "message: at most 1,000 characters").default(""),
  startsAt: epochMs("startsAt"),
  endsAt: epochMs("endsAt"),
  websiteIds: z.array(z.uuid({ error: "websiteIds: each must be a website id (UUID)" }))
    .min(1, "websiteIds: choose at least one monitor")
    .max(100, "websiteIds: at most 100 monitors per window")
    .refine((ids) => new Set(ids).size === ids.length, "websiteIds: a website is listed twice"),
};

function checkSpan(input: { startsAt?: number; endsAt: number }, ctx: z.RefinementCtx): void {
  const problem = input.startsAt === undefined ? null : spanProblem(input.startsAt, input.endsAt);
  if (problem) ctx.addIssue({ code: "custom", path: ["endsAt"], message: problem });
}

export const createMaintenanceInput = z.object(windowFields).superRefine(checkSpan);

/** A window changed: every field again; without `startsAt`, it keeps its start. */
export const updateMaintenanceInput = z.object({
  ...windowFields,
  id: windowId,
  startsAt: windowFields.startsAt.optional(),
}).superRefine(checkSpan);

export type CreateMaintenanceInput = z.infer<typeof createMaintenanceInput>;
export type UpdateMaintenanceInput = z.infer<typeof updateMaintenanceInput>;
