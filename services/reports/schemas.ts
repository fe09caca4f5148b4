/**
 * Input schema of `report.availability`: a period of whole days in a time zone (UTC unless
 * named) and an optional tag.
 */
import { z } from "zod";
import { DAY_MS } from "../../lib/uptime.ts";
import { knownTimeZone } from "../../lib/time_format.ts";

/** The longest period one report covers. */
export const MAX_REPORT_DAYS = 366;

/** Days since the epoch of a `YYYY-MM-DD` day, or null when there is no such day. */
export function dayNumber(day: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const at = Date.parse(`${day}T00:00:00Z`);
  // Date.parse rolls 2026-02-30 over into March; such a day is not one.
  if (Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== day) return null;
  return at / DAY_MS;
}

/** The `YYYY-MM-DD` of days since the epoch. */
export function dayString(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

const day = (field: string) =>
  z.string({ error: `${field}: expected a day as YYYY-MM-DD` })
    .refine((value) => dayNumber(value) !== null, `${field}: not a day (expected YYYY-MM-DD)`);

export const availabilityInput = z.strictObject({
  /** The first day of the period, in `timeZone`. */
  from: day("from"),
  /** The last day of the period, included. */
  to: day("to"),
  /** Where the days begin and end: "Europe/Berlin"; UTC when absent. */
  timeZone: z.string({ error: "timeZone: expected a time zone such as Europe/Berlin" }).trim()
    .max(64, "timeZone: not a known time zone")
    .refine(knownTimeZone, "timeZone: not a known time zone (such as Europe/Berlin)")
    .default("UTC"),
  /** Only monitors with this tag (any case); "" or absent for all. */
  tag: z.string({ error: "tag: expected text" }).trim().max(100, "tag: at most 100 characters")
    .default(""),
}).check((ctx) => {
  const from = dayNumber(ctx.value.from);
  const to = dayNumber(ctx.value.to);
  if (from === null || to === null) return;
  if (to < from) {
    ctx.issues.push({
      code: "custom",
      input: ctx.value.to,
      path: ["to"],
      message: "to: the period ends before it starts",
    });
  } else if (to - from + 1 > MAX_REPORT_DAYS) {
    ctx.issues.push({
      code: "custom",
      input: ctx.value.to,
      path: ["to"],
      message: `to: a report covers at most ${MAX_REPORT_DAYS} days`,
    });
  }
});

export type AvailabilityInput = z.output<typeof availabilityInput>;
