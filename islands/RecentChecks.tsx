/**
 * The recent checks, newest first: the server's page, with results that arrive live
 * (through the `feed` signal the status island fills) added at the top on the first
 * page. An empty monitor says it is waiting for its first check.
 */
import { Fragment } from "preact";
import type { Signal } from "@preact/signals";
import type { LiveResult } from "../web/live/client.ts";
import type { Check } from "../services/websites/checks.ts";
import { StatusBadge } from "../components/status.tsx";
import { Time } from "../components/time.tsx";
import { formatMs } from "../lib/time_format.ts";
import { shownRegion } from "../lib/monitor_status.ts";
import { errorKindWords } from "../lib/http_client/failures.ts";

// Live results carry no timing breakdown; the stored check does.
type Row = Omit<Check, "timings"> & { timings?: Check["timings"]; live?: boolean };

export default function RecentChecks(props: {
  checks: Check[];
  /** Null on older pages: nothing is added to them. */
  feed: Signal<LiveResult[]> | null;
  waitingText: string;
  /** The empty list's heading; "Waiting for the first check" unless said otherwise. */
  waitingTitle?: string;
  /** False for a heartbeat monitor: its results have no response time. */
  timed?: boolean;
}) {
  const timed = props.timed ?? true;
  const rows = merge(props.feed?.value ?? [], props.checks);
  if (!rows.length) {
    return (
      <div class="px-4 py-10 text-center sm:px-6" data-waiting>
        <p class="text-base font-semibold text-slate-900 dark:text-white">
          {props.waitingTitle ?? "Waiting for the first check"}
        </p>
        <p class="mx-auto mt-2 max-w-md text-sm text-slate-600 dark:text-slate-400">
          {props.waitingText}
        </p>
      </div>
    );
  }
  return (
    <div class="overflow-x-auto">
      {/* Narrow screens: response time and error go under the status, not in columns. */}
      <table class="w-full text-left text-sm sm:min-w-[36rem]">
        <caption class="sr-only">Recent {timed ? "checks" : "beats"}, newest first</caption>
        <thead class="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600 dark:border-slate-700 dark:text-slate-400">
          <tr>
            <th scope="col" class="px-4 py-2 font-semibold sm:px-6">Time</th>
            {/* A heartbeat is reported to us, from no region of ours. */}
            {timed && <th scope="col" class="px-2 py-2 font-semibold sm:px-4">Region</th>}
            <th scope="col" class="py-2 pl-2 pr-4 font-semibold sm:px-4">Status</th>
            {timed && (
              <th scope="col" class="hidden px-4 py-2 text-right font-semibold sm:table-cell">
                Response
              </th>
            )}
            <th scope="col" class="hidden px-4 py-2 font-semibold sm:table-cell sm:pr-6">Error</th>
          </tr>
        </thead>
        <tbody class="divide-y divide-slate-100 dark:divide-slate-700" data-checks>
          {rows.map((row) => (
            <Fragment key={`${row.region}:${row.scheduledAt}`}>
              <tr
                data-live={row.live ? "true" : undefined}
                class={row.live ? "bg-sky-50 dark:bg-slate-700/40" : undefined}
              >
                <td class="px-4 py-2 sm:whitespace-nowrap sm:px-6">
                  <Time at={row.checkedAt} seconds />
                </td>
                {timed && <td class="px-2 py-2 font-mono sm:px-4">{row.region}</td>}
                <td class="py-2 pl-2 pr-4 sm:px-4">
                  <StatusBadge
                    status={shownRegion(row.outcome, row.degraded)}
                    label={`${row.outcome === "down" ? "Down" : row.degraded ? "Degraded" : "Up"}${
                      row.httpStatus ? ` · ${row.httpStatus}` : ""
                    }`}
                  />
                  {row.maintenance && (
                    <span class="mt-1 block text-xs text-sky-800 dark:text-sky-300">
                      During maintenance, not counted
                    </span>
                  )}
                  <div class="mt-1 max-w-[11rem] sm:hidden">
                    {timed && (
                      <span class="block tabular-nums">
                        <span class="sr-only">Response</span>
                        {formatMs(row.responseMs)}
                      </span>
                    )}
                    <CheckError row={row} wrap />
                  </div>
                </td>
                {timed && (
                  <td class="hidden whitespace-nowrap px-4 py-2 text-right tabular-nums sm:table-cell">
                    {formatMs(row.responseMs)}
                  </td>
                )}
                <td class="hidden max-w-xs px-4 py-2 sm:table-cell sm:pr-6">
                  {row.errorKind
                    ? <CheckError row={row} />
                    : <span class="text-slate-500 dark:text-slate-400">—</span>}
                </td>
              </tr>
              {row.response && (
                <tr data-response>
                  <td colSpan={timed ? 5 : 3} class="px-4 pb-3 sm:px-6">
                    <details>
                      <summary class="cursor-pointer text-xs font-medium text-sky-700 dark:text-sky-400">
                        Response<span class="sr-only">
                          {` of the check at ${new Date(row.checkedAt).toISOString()}`}
                        </span>
                      </summary>
                      <pre class="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 font-mono text-xs text-slate-800 dark:bg-slate-900 dark:text-slate-200">{row.response}</pre>
                    </details>
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The kind of a failed check and its message: in a column, cut to one line (the whole in
 * its title); under the status on a phone, where no pointer shows a title, wrapped.
 */
function CheckError({ row, wrap }: { row: Row; wrap?: boolean }) {
  if (!row.errorKind) return null;
  return (
    <>
      <span class="block font-medium">{errorKindWords(row.errorKind)}</span>
      {row.errorMessage && (
        <span
          class={`block text-slate-600 dark:text-slate-400 ${wrap ? "break-words" : "truncate"}`}
          title={wrap ? undefined : row.errorMessage}
        >
          {row.errorMessage}
        </span>
      )}
    </>
  );
}

/**
 * Live results above the page; a check that is already listed shows once, as its latest,
 * with the answer that failed it (live results of older workers carry none: as stored).
 */
function merge(live: LiveResult[], checks: Check[]): Row[] {
  const stored = new Map(checks.map((check) => [`${check.region}:${check.scheduledAt}`, check]));
  const seen = new Set<string>();
  const rows: Row[] = [];
  const add = (row: Row) => {
    const key = `${row.region}:${row.scheduledAt}`;
    if (seen.has(key)) return;
    seen.add(key);
    rows.push(row);
  };
  for (const result of live) {
    add({
      region: result.region,
      scheduledAt: result.scheduledAt,
      checkedAt: result.checkedAt,
      outcome: result.outcome,
      httpStatus: result.httpStatus,
      responseMs: result.responseMs,
      errorKind: result.errorKind,
      errorMessage: result.errorMessage ?? "",
      degraded: result.degraded ?? false,
      maintenance: result.maintenance ?? false,
      certDaysLeft: result.certDaysLeft ?? null,
      response: result.response ?? stored.get(`${result.region}:${result.scheduledAt}`)?.response ??
        "",
      live: true,
    });
  }
  for (const check of checks) add(check);
  return rows.sort((a, b) => b.scheduledAt - a.scheduledAt || b.region.localeCompare(a.region));
}
