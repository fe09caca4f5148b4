/**
 * What callers may send to the maintenance services, checked before any query runs. A key
 * not listed is refused, naming it: a misspelt field ignored (`mesage`, `repeats`) would
 * schedule a window other than the one meant. Forms pick their fields before they parse.
 */
import { z } from "zod";
import { knownTimeZone } from "../../lib/time_format.ts";

/** The longest window: a longer one is a pause, which monitors have (`setActive`). */
export const MAX_WINDOW_MS = 31 * 24 * 3_600_000;

/** 9999-12-31T23:59:59.999Z: later times are past what dates are written in (ISO 8601). */
const LAST_TIME = 253_402_300_799_999;

const epochMs = (field: string) =>
  z.number({ error: `${field}: must be a time (epoch milliseconds)` }).int(
    `${field}: must be a whole number of milliseconds`,
  ).min(0, `${field}: must be a time after 1970`)
    .max(LAST_TIME, `${field}: must be a time before the year 10000`);

/** What is wrong with a window from `startsAt` to `endsAt`, or null. */
export function spanProblem(startsAt: number, endsAt: number): string | null {
  if (endsAt <= startsAt) return "endsAt: must be after the start";
  if (endsAt - startsAt > MAX_WINDOW_MS) {
    return "endsAt: a window lasts at most 31 days; pause the monitor for longer";
  }
  return null;
}

const windowId = z.uuid({ error: "id: not a maintenance window id" });

export const maintenanceIdInput = z.strictObject({ id: windowId });

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

export const REPEATS = ["day", "week"] as const;
export type Repeat = typeof REPEATS[number];
/** A repeating window's period: each one ends before the next begins. */
export const REPEAT_MS: Record<Repeat, number> = { day: 86_400_000, week: 7 * 86_400_000 };
export const MAX_REPEATS = 12;

const repeat = z.strictObject({
  every: z.enum(REPEATS, { error: `repeat.every: expected one of ${REPEATS.join(", ")}` }),
  times: z.number({ error: "repeat.times: expected a number" })
    .int("repeat.times: a whole number")
    .min(2, "repeat.times: at least 2 (a window that happens once does not repeat)")
    .max(MAX_REPEATS, `repeat.times: at most ${MAX_REPEATS}`),
});

/** An IANA zone ("Europe/Berlin"): a repeating window keeps its clock time there. */
const timeZone = z.string().max(64).refine(knownTimeZone, "timeZone: not a known time zone");

export const createMaintenanceInput = z.strictObject({
  ...windowFields,
  repeat: repeat.optional(),
  timeZone: timeZone.default("UTC"),
}).superRefine((input, ctx) => {
  checkSpan(input, ctx);
  const period = input.repeat && REPEAT_MS[input.repeat.every];
  if (period && input.endsAt - input.startsAt > period) {
    ctx.addIssue({
      code: "custom",
      path: ["endsAt"],
      message: `endsAt: a window that repeats every ${input.repeat!.every} lasts at most a ${
        input.repeat!.every
      }`,
    });
  }
});

/** A window changed: every field again; without `startsAt`, it keeps its start. */
export const updateMaintenanceInput = z.strictObject({
  ...windowFields,
  id: windowId,
  startsAt: windowFields.startsAt.optional(),
}).superRefine(checkSpan);

export type CreateMaintenanceInput = z.infer<typeof createMaintenanceInput>;
export type UpdateMaintenanceInput = z.infer<typeof updateMaintenanceInput>;
