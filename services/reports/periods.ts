/**
 * The periods a report page offers with one click: days ending today, or last month, as
 * the calendar goes in the report's time zone.
 */
import { DAY_MS } from "../../lib/uptime.ts";
import { dayIn } from "../../lib/zoned_time.ts";
import { dayNumber, dayString } from "./schemas.ts";

export interface ReportPeriod {
  label: string;
  from: string;
  to: string;
}

export function reportPeriods(now = Date.now(), timeZone = "UTC"): ReportPeriod[] {
  // Days numbered as UTC's calendar numbers them, for the arithmetic below.
  const today = dayNumber(dayIn(now, timeZone))!;
  const date = new Date(today * DAY_MS);
  const firstOfMonth = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / DAY_MS;
  const firstOfLastMonth = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - 1, 1) / DAY_MS;
  const lastDays = (days: number): ReportPeriod => ({
    label: `Last ${days} days`,
    from: dayString(today - days + 1),
    to: dayString(today),
  });
  return [
    lastDays(7),
    lastDays(30),
    { label: "This month", from: dayString(firstOfMonth), to: dayString(today) },
    { label: "Last month", from: dayString(firstOfLastMonth), to: dayString(firstOfMonth - 1) },
    lastDays(90),
  ];
}

/** What the page shows before anyone picks: the last 30 days. */
export const DEFAULT_PERIOD = 1;
