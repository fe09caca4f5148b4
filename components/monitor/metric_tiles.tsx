/** Uptime and response-time percentiles of the chosen range, as four tiles. */
import { formatMs } from "../../lib/time_format.ts";
import { beatsText, formatUptime, maintenanceWords } from "../../lib/uptime.ts";
import type { WebsiteMetrics } from "../../services/websites/metrics.ts";
import { Tiles } from "../ui.tsx";

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
      <Tiles tiles={tiles} />
    </section>
  );
}
