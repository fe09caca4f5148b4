/**
 * The windows of a repeating one: the same clock time every day or week in the time zone
 * it was planned in, so 02:00 stays 02:00 across a change of daylight saving time (and the
 * window keeps its clock times, not its length, on the nights the clocks change).
 * date-fns-tz loads at the first repeating window, not with every web process.
 */
import type { Repeat } from "./input.ts";

const DAYS: Record<Repeat, number> = { day: 1, week: 7 };

export async function occurrences(
  window: { startsAt: number; endsAt: number },
  repeat: { every: Repeat; times: number },
  timeZone: string,
): Promise<{ startsAt: number; endsAt: number }[]> {
  const tz = await import("date-fns-tz");
  return Array.from({ length: repeat.times }, (_, k) => ({
    startsAt: laterBy(tz, window.startsAt, k * DAYS[repeat.every], timeZone),
    endsAt: laterBy(tz, window.endsAt, k * DAYS[repeat.every], timeZone),
  }));
}

/** `at` moved `days` calendar days on, at the same clock time in `timeZone`. */
function laterBy(
  { formatInTimeZone, fromZonedTime }: typeof import("date-fns-tz"),
  at: number,
  days: number,
  timeZone: string,
): number {
  if (!days) return at;
  const local = formatInTimeZone(at, timeZone, "yyyy-MM-dd'T'HH:mm:ss.SSS");
  const date = new Date(`${local.slice(0, 10)}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return fromZonedTime(`${date.toISOString().slice(0, 10)}${local.slice(10)}`, timeZone).getTime();
}
