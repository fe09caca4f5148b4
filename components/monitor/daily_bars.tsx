/**
 * 90 daily bars, drawn on the server: colour and height both say how the day went
 * (full and green without downtime, shorter and amber or red with it, a stub without
 * checks, full and sky blue for a day of nothing but maintenance, whose checks count
 * neither way), with the date, uptime and checks in each bar's tooltip and in words for
 * screen readers. No JavaScript. A heartbeat monitor's results are beats (`noun`).
 */
import type { DailyBar } from "../../lib/uptime.ts";
import {
  beatsText,
  formatUptime,
  maintenanceWords,
  windowUptime,
  windowWords,
} from "../../lib/uptime.ts";
import { formatDate } from "../../lib/time_format.ts";

function look(bar: DailyBar): { class: string; words: string } {
  if (bar.uptime === null && bar.maintenance) {
    return { class: "h-full bg-sky-500 dark:bg-sky-400", words: "" };
  }
  if (bar.uptime === null) return { class: "h-1/4 bg-slate-300 dark:bg-slate-600", words: "" };
  if (bar.uptime === 100) return { class: "h-full bg-emerald-600 dark:bg-emerald-500", words: "" };
  if (bar.uptime >= 99) {
    return { class: "h-3/4 bg-amber-500 dark:bg-amber-400", words: " (some downtime)" };
  }
  return { class: "h-1/2 bg-rose-600 dark:bg-rose-500", words: " (major downtime)" };
}

function describe(bar: DailyBar, noun: string): string {
  const date = formatDate(bar.at, "UTC");
  const maintenance = maintenanceWords(bar, noun);
  if (bar.uptime === null) return `${date}: ${maintenance || `no ${noun}s`}`;
  const counted = noun === "beat"
    ? beatsText(bar.up, bar.checks)
    : `${bar.checks.toLocaleString("en")} check${bar.checks === 1 ? "" : "s"}`;
  return `${date}: ${formatUptime(bar.uptime)} up, ${counted}${look(bar).words}${
    maintenance ? `; ${maintenance}` : ""
  }`;
}

export function DailyBars(props: { bars: DailyBar[]; noun?: "check" | "beat" }) {
  const { bars } = props;
  const noun = props.noun ?? "check";
  return (
    <div>
      <p class="text-sm text-slate-700 dark:text-slate-300">
        {windowUptime(bars) !== null
          ? `${formatUptime(windowUptime(bars))} uptime ${windowWords(bars)} (UTC days)`
          : bars.some((bar) => bar.maintenance)
          ? `No uptime in the last ${bars.length} days: every ${noun} was under maintenance.`
          : `No ${noun}s in the last ${bars.length} days yet.`}
      </p>
      <ol
        class="mt-3 flex h-12 items-end gap-px sm:gap-0.5"
        aria-label={`Daily uptime, last ${bars.length} days`}
      >
        {bars.map((bar) => {
          const text = describe(bar, noun);
          return (
            <li
              class="flex h-full min-w-0 flex-1 items-end"
              title={text}
              data-date={bar.date}
              data-uptime={bar.uptime ?? ""}
            >
              <span class={`block w-full rounded-sm ${look(bar).class}`} aria-hidden="true" />
              <span class="sr-only">{text}</span>
            </li>
          );
        })}
      </ol>
      <div class="mt-1 flex justify-between text-xs text-slate-600 dark:text-slate-400">
        <span>{bars.length} days ago</span>
        <span>Today</span>
      </div>
      <ul class="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600 dark:text-slate-400">
        <li class="flex items-center gap-1">
          <span class="inline-block h-3 w-2 rounded-sm bg-emerald-600" aria-hidden="true" />
          100 %
        </li>
        <li class="flex items-center gap-1">
          <span class="inline-block h-2 w-2 rounded-sm bg-amber-500" aria-hidden="true" />
          99 % or more
        </li>
        <li class="flex items-center gap-1">
          <span class="inline-block h-1.5 w-2 rounded-sm bg-rose-600" aria-hidden="true" />
          below 99 %
        </li>
        <li class="flex items-center gap-1">
          <span
            class="inline-block h-1 w-2 rounded-sm bg-slate-300 dark:bg-slate-600"
            aria-hidden="true"
          />
          no {noun}s
        </li>
        {bars.some((bar) => bar.maintenance) && (
          <li class="flex items-center gap-1">
            <span class="inline-block h-3 w-2 rounded-sm bg-sky-500" aria-hidden="true" />
            maintenance (not counted)
          </li>
        )}
      </ul>
    </div>
  );
}
