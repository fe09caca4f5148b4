/**
 * An availability report as CSV, one row per monitor, for a spreadsheet or a customer's
 * SLA review: percentages as numbers, durations in seconds, response times in
 * milliseconds, empty where there is no figure. A cell that a spreadsheet would run as
 * a formula (`=`, `+`, `-`, `@`) starts with a `'`.
 */
import { stringify } from "csv-stringify/sync";
import type { AvailabilityReport } from "./availability.ts";

const COLUMNS = [
  "monitor",
  "type",
  "tags",
  "uptime_percent",
  "checks",
  "up_checks",
  "maintenance_checks",
  "incidents",
  "downtime_seconds",
  "longest_incident_seconds",
  "mean_time_to_acknowledge_seconds",
  "mean_time_to_resolve_seconds",
  "p50_ms",
  "p95_ms",
  "p99_ms",
];

export function availabilityCsv(report: AvailabilityReport): { filename: string; csv: string } {
  const seconds = (ms: number | null) => ms === null ? "" : Math.round(ms / 1000);
  const csv = stringify(
    report.monitors.map((monitor) => [
      monitor.name,
      monitor.type,
      monitor.tags.join("; "),
      monitor.uptime ?? "",
      monitor.checks,
      monitor.up,
      monitor.maintenance,
      monitor.incidents,
      seconds(monitor.downtimeMs),
      seconds(monitor.longestMs),
      seconds(monitor.mttaMs),
      seconds(monitor.mttrMs),
      monitor.responseMs?.p50 ?? "",
      monitor.responseMs?.p95 ?? "",
      monitor.responseMs?.p99 ?? "",
    ]),
    { header: true, columns: COLUMNS, escape_formulas: true },
  );
  const part = (text: string) => `-${text.replace(/[^A-Za-z0-9_-]+/g, "_")}`;
  // The same days in another zone are other figures: the name says whose days they are.
  const zone = report.timeZone === "UTC" ? "" : part(report.timeZone);
  const tag = report.tag ? part(report.tag) : "";
  return { filename: `uptime-availability-${report.from}-to-${report.to}${zone}${tag}.csv`, csv };
}
