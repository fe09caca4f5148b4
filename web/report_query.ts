/**
 * A report's period, time zone and tag from the query string (`?from=&to=&timeZone=&tag=`),
 * for its page and its CSV alike: the last 30 days in UTC when none is given, else the
 * input or what is wrong with it, by field.
 */
import { type AvailabilityInput, availabilityInput } from "../services/reports/schemas.ts";
import { DEFAULT_PERIOD, reportPeriods } from "../services/reports/periods.ts";
import { knownTimeZone } from "../lib/time_format.ts";
import { capitalise } from "./forms.ts";

export type ReportField = "from" | "to" | "timeZone" | "tag";

export interface ReportQuery {
  values: { from: string; to: string; timeZone: string; tag: string };
  input: AvailabilityInput | null;
  errors: Partial<Record<ReportField, string>>;
  /** The zone the page's days are in: the one asked for, or UTC while that is not one. */
  zone: string;
}

export function readReportQuery(url: URL, now = Date.now()): ReportQuery {
  const param = (name: ReportField) => url.searchParams.get(name)?.trim() ?? "";
  const timeZone = param("timeZone") || "UTC";
  const zone = knownTimeZone(timeZone) ? timeZone : "UTC";
  const fallback = reportPeriods(now, zone)[DEFAULT_PERIOD];
  const values = {
    from: param("from") || fallback.from,
    to: param("to") || fallback.to,
    timeZone,
    tag: param("tag"),
  };
  const parsed = availabilityInput.safeParse(values);
  if (parsed.success) return { values, input: parsed.data, errors: {}, zone };
  const errors: ReportQuery["errors"] = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as ReportField;
    errors[field] ??= withoutField(issue.message);
  }
  return { values, input: null, errors, zone };
}

/** The query string of a report: its period, and its time zone and tag unless UTC and none. */
export function reportSearch(
  values: { from: string; to: string; timeZone?: string; tag?: string },
): URLSearchParams {
  const search = new URLSearchParams({ from: values.from, to: values.to });
  if (values.timeZone && values.timeZone !== "UTC") search.set("timeZone", values.timeZone);
  if (values.tag) search.set("tag", values.tag);
  return search;
}

/** "to: after today" → "After today": the field's label already names it. */
export function withoutField(message: string): string {
  return capitalise(message.replace(/^[A-Za-z]+: /, ""));
}
