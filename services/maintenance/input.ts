/** What callers may send to the maintenance services, checked before any query runs. */
import { z } from "zod";

/** The longest window: a longer one is a pause, which monitors have (`setActive`). */
export const MAX_WINDOW_MS = 31 * 24 * 3_600_000;

const epochMs = (field: string) =>
  z.number({ error: `${field}: must be a time (epoch milliseconds)` }).int(
    `${field}: must be a whole number of milliseconds`,
  ).min(0, `${field}: must be a time after 1970`);

export const createMaintenanceInput = z.object({
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
}).superRefine((input, ctx) => {
  if (input.endsAt <= input.startsAt) {
    ctx.addIssue({ code: "custom", path: ["endsAt"], message: "endsAt: must be after the start" });
  } else if (input.endsAt - input.startsAt > MAX_WINDOW_MS) {
    ctx.addIssue({
      code: "custom",
      path: ["endsAt"],
      message: "endsAt: a window lasts at most 31 days; pause the monitor for longer",
    });
  }
});

export const maintenanceIdInput = z.object({
  id: z.uuid({ error: "id: not a maintenance window id" }),
});

export type CreateMaintenanceInput = z.infer<typeof createMaintenanceInput>;
