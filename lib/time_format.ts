/**
 * The one way times and durations are written, on the server and in islands. The API
 * speaks epoch milliseconds; these turn them into words. Imports nothing, so islands can
 * bundle it.
 */

const UNITS: [limit: number, unit: string, size: number][] = [
  [60_000, "s", 1_000],
  [3_600_000, "min", 60_000],
  [86_400_000, "h", 3_600_000],
  [Infinity, "d", 86_400_000],
];

/** "12 s", "4 min", "3 h", "2 d": the largest whole unit. */
export function formatDuration(ms: number): string {
  const value = Math.max(0, ms);
  for (const [limit, unit, size] of UNITS) {
    if (value < limit) return `${Math.floor(value / size)} ${unit}`;
  }
  return "";
}

/** A period set in seconds, exactly: "30 s", "90 s", "5 min", "1 h", "2 d". */
export function formatInterval(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3_600 === 0) return `${seconds / 3_600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

const TWO_UNITS: [size: number, unit: string, smallSize: number, smallUnit: string][] = [
  [86_400, "d", 3_600, "h"],
  [3_600, "h", 60, "min"],
  [60, "min", 1, "s"],
];

/** "45 s", "12 min 5 s", "1 h 5 min", "3 d 2 h": two units, for how long something lasted. */
export function formatLongDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  for (const [size, unit, smallSize, smallUnit] of TWO_UNITS) {
    if (seconds < size) continue;
    const whole = Math.floor(seconds / size);
    const rest = Math.floor((seconds % size) / smallSize);
    return rest ? `${whole} ${unit} ${rest} ${smallUnit}` : `${whole} ${unit}`;
  }
  return `${seconds} s`;
}

/** "12 s ago", "in 3 min", "just now". */
export function formatRelative(at: number, now = Date.now()): string {
  const diff = now - at;
  if (Math.abs(diff) < 1_000) return "just now";
  return diff > 0 ? `${formatDuration(diff)} ago` : `in ${formatDuration(-diff)}`;
}

/**
 * "1 Dec 2026, 20:31" in `timeZone` (the viewer's own in the browser; UTC on the server,
 * which says so, until the browser rewrites it); with `seconds`, "1 Dec 2026, 20:31:05".
 */
export function formatDateTime(at: number, timeZone?: string, seconds = false): string {
  const text = formatter(seconds ? DATE_TIME_SECONDS : DATE_TIME, timeZone).format(at);
  return timeZone === "UTC" ? `${text} UTC` : text;
}

/**
 * A chart's time ticks in `timeZone`, as the page writes its other times: "3 Dec" for
 * ticks a day or more apart; otherwise "14:05", with the day ("3 Dec, 00:00") on the first
 * tick and wherever the day changes.
 */
export function formatTicks(ats: number[], stepSeconds: number, timeZone?: string): string[] {
  const day = formatter(DAY_MONTH, timeZone);
  if (stepSeconds >= 86_400) return ats.map((at) => day.format(at));
  const time = formatter(TIME, timeZone);
  return ats.map((at, i) => {
    const today = day.format(at);
    return i === 0 || today !== day.format(ats[i - 1])
      ? `${today}, ${time.format(at)}`
      : time.format(at);
  });
}

/** "1 Dec 2026" in `timeZone`. */
export function formatDate(at: number, timeZone?: string): string {
  return formatter(DATE, timeZone).format(at);
}

const DATE: Intl.DateTimeFormatOptions = { day: "numeric", month: "short", year: "numeric" };
const DATE_TIME: Intl.DateTimeFormatOptions = { ...DATE, hour: "2-digit", minute: "2-digit" };
const DATE_TIME_SECONDS: Intl.DateTimeFormatOptions = { ...DATE_TIME, second: "2-digit" };
const TIME: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit" };
const DAY_MONTH: Intl.DateTimeFormatOptions = { day: "numeric", month: "short" };

// Building an Intl.DateTimeFormat costs about a millisecond, formatting with one a few
// microseconds: the monitors table writes 1,500 tooltips a page, so each format is made
// once per time zone and kept.
const formatters = new Map<Intl.DateTimeFormatOptions, Map<string, Intl.DateTimeFormat>>();

function formatter(options: Intl.DateTimeFormatOptions, timeZone = ""): Intl.DateTimeFormat {
  let byZone = formatters.get(options);
  if (!byZone) formatters.set(options, byZone = new Map());
  let format = byZone.get(timeZone);
  if (!format) {
    // A zone named by the caller is one of a few (UTC, the viewer's); bounded all the same.
    if (byZone.size >= 16) byZone.clear();
    format = new Intl.DateTimeFormat("en-GB", { ...options, timeZone: timeZone || undefined });
    byZone.set(timeZone, format);
  }
  return format;
}

/** "120 ms", "1.4 s"; "—" without a value. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

const LOCAL_INPUT: Intl.DateTimeFormatOptions = {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
};

/**
 * `at` as a `datetime-local` field holds it in `timeZone`: "2026-12-04T22:00", with the
 * seconds ("2026-12-04T22:00:30") when there are some.
 */
export function formatLocalInput(at: number, timeZone: string): string {
  const parts = Object.fromEntries(
    formatter(LOCAL_INPUT, timeZone).formatToParts(at).map((p) => [p.type, p.value]),
  );
  const minutes = `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
  return parts.second === "00" ? minutes : `${minutes}:${parts.second}`;
}

/** Whether `zone` is a time zone this runtime knows ("Europe/Berlin", "UTC"). */
export function knownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
