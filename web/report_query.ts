/**
 * A report's period and tag from the query string (`?from=&to=&tag=`), for its page and
 * its CSV alike: the last 30 days when none is given, else the input or what is wrong
 * with it, by field.
 */
import { type AvailabilityInput, availabilityInput } from "../services/reports/schemas.ts";
import { DEFAULT_PERIOD, reportPeriods } from "../services/reports/periods.ts";
import { capitalise } from "./forms.ts";

export type ReportField = "from" | "to" | "tag";

export interface ReportQuery {
  values: { from: string; to: string; tag: string };
  input: AvailabilityInput | null;
  errors: Partial<Record<ReportField, string>>;
}

export function readReportQuery(url: URL, now = Date.now()): ReportQuery {
  const fallback = reportPeriods(now)[DEFAULT_PERIOD];
  const param = (name: ReportField) => url.searchParams.get(name)?.trim() ?? "";
  const values = {
    from: param("from") || fallback.from,
    to: param("to") || fallback.to,
    tag: param("tag"),
  };
  const parsed = availabilityInput.safeParse(values);
  if (parsed.success) return { values, input: parsed.data, errors: {} };
  const errors: ReportQuery["errors"] = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as ReportField;
    errors[field] ??= withoutField(issue.message);
  }
  return { values, input: null, errors };
}

/** The query string of a report: its period, and its tag when it has one. */
export function reportSearch(values: { from: string; to: string; tag?: string }): URLSearchParams {
  const search = new URLSearchParams({ from: values.from, to: values.to });
  if (values.tag) search.set("tag", values.tag);
  return search;
}

/** "to: after today" → "After today": the field's label already names it. */
export function withoutField(message: string): string {
  return capitalise(message.replace(/^[a-z]+: /, ""));
}
