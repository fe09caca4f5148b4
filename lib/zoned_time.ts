/**
 * Clock times and calendar days in a time zone ("Europe/Berlin"), for what people plan or
 * report in their own zone: maintenance windows and availability reports. date-fns-tz
 * loads at the first use (services/maintenance/repeat.ts says why).
 */

/** A `datetime-local` value: `2026-12-04T10:00`, seconds optional. */
export const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?$/;

/**
 * Epoch ms of a `datetime-local` value in `timeZone`; null when it names no time there: not
 * a date and time, or one the clocks skip when they go forward (02:30 on a spring night).
 */
export async function zonedTime(local: string, timeZone: string): Promise<number | null> {
  if (!LOCAL_DATE_TIME.test(local)) return null;
  const { formatInTimeZone, fromZonedTime } = await import("date-fns-tz");
  const at = fromZonedTime(local, timeZone).getTime();
  if (!Number.isFinite(at)) return null;
  const back = formatInTimeZone(
    at,
    timeZone,
    local.length > 16 ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm",
  );
  return back === local ? at : null;
}

/**
 * Epoch ms at which the day `YYYY-MM-DD` begins in `timeZone`: its midnight, or where the
 * clocks skip midnight (a few zones move them at 00:00), the first time that day has.
 */
export async function dayStartIn(day: string, timeZone: string): Promise<number> {
  for (let hour = 0; hour < 24; hour++) {
    const at = await zonedTime(`${day}T${String(hour).padStart(2, "0")}:00`, timeZone);
    if (at !== null) return at;
  }
  throw new RangeError(`${day} has no hour in ${timeZone}`);
}

/** The `YYYY-MM-DD` it is in `timeZone` at `at` (epoch ms). */
export function dayIn(at: number, timeZone: string): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(at);
}
