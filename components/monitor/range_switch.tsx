/** 24 h / 7 d / 30 d / 90 d as plain links, so the range works without JavaScript. */
import { FOCUS } from "../ui.tsx";
import type { MetricsRange } from "../../services/websites/schemas.ts";

export const RANGE_LABEL: Record<MetricsRange, string> = {
  "24h": "24 h",
  "7d": "7 d",
  "30d": "30 d",
  "90d": "90 d",
};

export const RANGE_WORDS: Record<MetricsRange, string> = {
  "24h": "last 24 hours",
  "7d": "last 7 days",
  "30d": "last 30 days",
  "90d": "last 90 days",
};

export function RangeSwitch(props: { current: MetricsRange; path: string }) {
  return (
    <nav aria-label="Time range">
      <ul class="inline-flex rounded-md border border-slate-300 bg-white p-0.5 text-sm dark:border-slate-600 dark:bg-slate-800">
        {(Object.keys(RANGE_LABEL) as MetricsRange[]).map((range) => {
          const current = range === props.current;
          return (
            <li>
              <a
                href={`${props.path}?range=${range}`}
                aria-current={current ? "page" : undefined}
                class={`block whitespace-nowrap rounded px-3 py-1 font-medium ${FOCUS} ${
                  current
                    ? "bg-slate-800 text-white dark:bg-slate-200 dark:text-slate-900"
                    : "text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-700"
                }`}
              >
                {RANGE_LABEL[range]}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
