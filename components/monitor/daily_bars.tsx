/**
 * The monitor page's 90 daily bars: colour and height both say how the day went (full and
 * green without downtime, shorter and amber or red with it, a stub without checks, full and
 * sky blue for a day of nothing but maintenance, whose checks count neither way). Drawn on
 * the server with each day's figures in its tooltip; with JavaScript each bar opens the
 * day's card (DayBars), which links that day's incidents. A heartbeat monitor's results
 * are beats (`noun`).
 */
import DayBars, { type DayBarsIncident, type DayCounts } from "../../islands/DayBars.tsx";
import type { DailyBar } from "../../lib/uptime.ts";
import { formatUptime, NARROW_DAYS, windowUptime, windowWords } from "../../lib/uptime.ts";

export function DailyBars(
  props: {
    bars: DailyBar[];
    noun?: "check" | "beat";
    /** The monitor's incidents, for the day cards. */
    incidents: DayBarsIncident[];
  },
) {
  const { bars } = props;
  const noun = props.noun ?? "check";
  const narrowFrom = bars.length - NARROW_DAYS;
  return (
    <div>
      <p class="text-sm text-slate-700 dark:text-slate-300">
        {windowUptime(bars) !== null
          ? `${formatUptime(windowUptime(bars))} uptime ${windowWords(bars)} (UTC days)`
          : bars.some((bar) => bar.maintenance)
          ? `No uptime in the last ${bars.length} days: every ${noun} was under maintenance.`
          : `No ${noun}s in the last ${bars.length} days yet.`}
      </p>
      <div class="mt-3">
        <DayBars
          label={`Daily uptime, last ${bars.length} days`}
          firstDay={bars[0].at}
          days={bars.map((bar): DayCounts => [bar.checks, bar.up, bar.maintenance])}
          incidents={props.incidents}
          incidentHref="/app/incidents/"
          // A phone shows the last 30 days, each bar wide enough to tap.
          rowClass={`flex h-12 gap-px sm:gap-0.5 [&>*]:min-w-0 [&>*]:flex-1 ${
            narrowFrom > 0
              ? `[&>:nth-child(-n+${narrowFrom})]:hidden sm:[&>:nth-child(-n+${narrowFrom})]:flex`
              : ""
          }`}
          dashboard={{ noun }}
        />
      </div>
      <div class="mt-1 flex justify-between text-xs text-slate-600 dark:text-slate-400">
        <span class="hidden sm:inline">{bars.length} days ago</span>
        <span class="sm:hidden">{Math.min(bars.length, NARROW_DAYS)} days ago</span>
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
