/**
 * A report's monitors: a table on wide screens, one card per monitor on narrow ones. Each
 * name leads to the monitor, each count of incidents to its incidents.
 */
import type { MonitorAvailability } from "../../services/reports/availability.ts";
import { formatLongDuration, formatMs } from "../../lib/time_format.ts";
import { formatUptime } from "../../lib/uptime.ts";
import { LINK } from "../ui.tsx";

const MUTED = "text-slate-600 dark:text-slate-400";

/** Green at 100 %, amber from 99 %, red below; grey without data. */
export function uptimeClass(uptime: number | null): string {
  if (uptime === null) return MUTED;
  if (uptime === 100) return "text-emerald-700 dark:text-emerald-400";
  if (uptime >= 99) return "text-amber-700 dark:text-amber-400";
  return "text-rose-700 dark:text-rose-400";
}

export const duration = (ms: number | null) => ms === null ? "—" : formatLongDuration(ms);

function Incidents(props: { monitor: MonitorAvailability }) {
  const { monitor } = props;
  if (!monitor.incidents) return <span class={MUTED}>none</span>;
  return (
    <a href={`/app/incidents?monitor=${monitor.id}`} class={LINK}>
      {monitor.incidents.toLocaleString("en")}
      <span class="sr-only">
        {` incident${monitor.incidents === 1 ? "" : "s"} of `}
        {monitor.name}
      </span>
    </a>
  );
}

function Name(props: { monitor: MonitorAvailability }) {
  return (
    <a href={`/app/monitors/${props.monitor.id}`} class={`${LINK} [overflow-wrap:anywhere]`}>
      {props.monitor.name}
    </a>
  );
}

export function AvailabilityTable(props: { monitors: MonitorAvailability[] }) {
  const cell = "px-4 py-3 whitespace-nowrap tabular-nums";
  return (
    <>
      <div class="hidden overflow-x-auto lg:block">
        <table class="w-full text-left text-sm">
          <caption class="sr-only">Availability of each monitor in the period</caption>
          <thead class="border-b border-slate-200 text-xs uppercase text-slate-600 dark:border-slate-700 dark:text-slate-400">
            <tr>
              <th scope="col" class="px-4 py-2">Monitor</th>
              <th scope="col" class="px-4 py-2">Uptime</th>
              <th scope="col" class="px-4 py-2">Downtime</th>
              <th scope="col" class="px-4 py-2">Incidents</th>
              <th scope="col" class="px-4 py-2">Longest</th>
              <th scope="col" class="px-4 py-2">
                <abbr title="Mean time to acknowledge">MTTA</abbr>
              </th>
              <th scope="col" class="px-4 py-2">
                <abbr title="Mean time to resolve">MTTR</abbr>
              </th>
              <th scope="col" class="px-4 py-2">p95</th>
            </tr>
          </thead>
          <tbody class="divide-y divide-slate-100 dark:divide-slate-700">
            {props.monitors.map((monitor) => (
              <tr key={monitor.id} class="align-top" data-monitor={monitor.id}>
                <th scope="row" class="px-4 py-3 font-normal">
                  <div class="max-w-[18rem]">
                    <Name monitor={monitor} />
                  </div>
                </th>
                <td class={`${cell} font-semibold ${uptimeClass(monitor.uptime)}`}>
                  {formatUptime(monitor.uptime)}
                </td>
                <td class={cell}>{formatLongDuration(monitor.downtimeMs)}</td>
                <td class={cell}>
                  <Incidents monitor={monitor} />
                </td>
                <td class={cell}>{duration(monitor.longestMs)}</td>
                <td class={cell}>{duration(monitor.mttaMs)}</td>
                <td class={cell}>{duration(monitor.mttrMs)}</td>
                <td class={cell}>{formatMs(monitor.responseMs?.p95)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul class="divide-y divide-slate-100 lg:hidden dark:divide-slate-700">
        {props.monitors.map((monitor) => (
          <li key={monitor.id} class="px-4 py-3 text-sm" data-monitor={monitor.id}>
            <div class="flex items-start justify-between gap-3">
              <Name monitor={monitor} />
              <span class={`shrink-0 font-semibold tabular-nums ${uptimeClass(monitor.uptime)}`}>
                {formatUptime(monitor.uptime)}
              </span>
            </div>
            <dl class="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 sm:grid-cols-3">
              {[
                ["Downtime", formatLongDuration(monitor.downtimeMs)],
                ["Incidents", <Incidents key="incidents" monitor={monitor} />],
                ["Longest", duration(monitor.longestMs)],
                ["Mean time to acknowledge", duration(monitor.mttaMs)],
                ["Mean time to resolve", duration(monitor.mttrMs)],
                ["p95 response", formatMs(monitor.responseMs?.p95)],
              ].map(([label, value]) => (
                <div key={String(label)} class="min-w-0">
                  <dt class={`text-xs ${MUTED}`}>{label}</dt>
                  <dd class="tabular-nums">{value}</dd>
                </div>
              ))}
            </dl>
          </li>
        ))}
      </ul>
    </>
  );
}
