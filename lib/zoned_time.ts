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

/**
 * Zones by the names people know them by today. V8 lists some by names IANA has since
 * replaced (Asia/Calcutta for Asia/Kolkata); it takes either.
 */
const RENAMED: Record<string, string> = {
  "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
  "America/Godthab": "America/Nuuk",
  "America/Indianapolis": "America/Indiana/Indianapolis",
  "America/Louisville": "America/Kentucky/Louisville",
  "Asia/Calcutta": "Asia/Kolkata",
  "Asia/Katmandu": "Asia/Kathmandu",
  "Asia/Rangoon": "Asia/Yangon",
  "Asia/Saigon": "Asia/Ho_Chi_Minh",
  "Atlantic/Faeroe": "Atlantic/Faroe",
  "Europe/Kiev": "Europe/Kyiv",
  "Pacific/Enderbury": "Pacific/Kanton",
  "Pacific/Ponape": "Pacific/Pohnpei",
  "Pacific/Truk": "Pacific/Chuuk",
};

/** Every zone this runtime knows, UTC first, then by name, as a list to choose from. */
export function timeZoneNames(): string[] {
  const zones = Intl.supportedValuesOf("timeZone").map((zone) => RENAMED[zone] ?? zone)
    .filter((zone) => zone !== "UTC").sort();
  return ["UTC", ...zones];
}
