/** Uptime and response-time percentiles of the chosen range, as four tiles. */
import { formatMs } from "../../lib/time_format.ts";
import { beatsText, formatUptime, maintenanceWords } from "../../lib/uptime.ts";
import type { WebsiteMetrics } from "../../services/websites/metrics.ts";

/**
 * `timed` false (a heartbeat monitor, nothing timed): the uptime tile alone, counting
 * the beats that arrived and the ones missed.
 */
export function MetricTiles(
  props: { metrics: WebsiteMetrics; rangeWords: string; timed?: boolean },
) {
  const { metrics } = props;
  const counted = props.timed === false
    ? beatsText(metrics.up, metrics.checks)
    : `${metrics.checks.toLocaleString("en")} check${metrics.checks === 1 ? "" : "s"}`;
  const maintenance = maintenanceWords(metrics, props.timed === false ? "beat" : "check");
  const tiles = [
    {
      label: "Uptime",
      value: formatUptime(metrics.uptime),
      note: metrics.checks && maintenance ? `${counted}; ${maintenance}` : maintenance || counted,
    },
    { label: "p50", value: formatMs(metrics.responseMs?.p50), note: "median response" },
    { label: "p95", value: formatMs(metrics.responseMs?.p95), note: "95 % at or below" },
    { label: "p99", value: formatMs(metrics.responseMs?.p99), note: "99 % at or below" },
  ].slice(0, props.timed === false ? 1 : 4);
  return (
    <section aria-labelledby="tiles-heading">
      <h2 id="tiles-heading" class="sr-only">Figures for the {props.rangeWords}</h2>
      <dl class="grid grid-cols-2 gap-3 sm:grid-cols-4">
        {tiles.map((tile) => (
          <div
            class="rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm dark:border-slate-700 dark:bg-slate-800"
            data-tile={tile.label}
          >
            <dt class="text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">
              {tile.label}
            </dt>
            <dd class="mt-1 text-2xl font-semibold tabular-nums text-slate-900 dark:text-white">
              {tile.value}
            </dd>
            <dd class="text-xs text-slate-600 dark:text-slate-400">{tile.note}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
