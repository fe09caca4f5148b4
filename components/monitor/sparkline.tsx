/**
 * The response-time chart as a plain SVG, for pages without JavaScript (and until the
 * chart island has drawn): a line per region, down periods shaded behind them.
 */
import { type ChartData, seriesColor } from "./chart_data.ts";
import { formatMs } from "../../lib/time_format.ts";

const WIDTH = 1000;
const HEIGHT = 200;

export function Sparkline(props: { data: ChartData; label: string; describedBy: string }) {
  const { data } = props;
  const count = data.times.length;
  const max = Math.max(1, ...data.series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const top = max * 1.1;
  const x = (index: number) => count > 1 ? (index / (count - 1)) * WIDTH : 0;
  const y = (value: number) => HEIGHT - (value / top) * HEIGHT;
  const first = data.times[0] ?? 0;
  const span = count ? data.bucketSeconds * count : 1;
  return (
    <div>
      <ul class="mb-2 flex flex-wrap gap-x-4 gap-y-1 text-xs" aria-hidden="true">
        {data.series.map((series, index) => (
          <li class="flex items-center gap-1.5">
            <svg viewBox="0 0 16 4" class="h-1 w-4">
              <rect width="16" height="4" class={seriesColor(index).fill} />
            </svg>
            <span class="font-mono">{series.region}</span>
          </li>
        ))}
      </ul>
      <p class="text-xs text-slate-600 dark:text-slate-400" aria-hidden="true">
        up to {formatMs(max)}
      </p>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        class="h-48 w-full border-b border-l border-slate-300 dark:border-slate-600"
        role="img"
        aria-label={props.label}
        aria-describedby={props.describedBy}
        data-chart="svg"
      >
        {data.down.map(([from, to]) => (
          <rect
            x={((from - first) / span) * WIDTH}
            y={0}
            width={Math.max(2, ((to - from) / span) * WIDTH)}
            height={HEIGHT}
            class="fill-rose-100 dark:fill-rose-900"
          />
        ))}
        {data.series.map((series, index) => (
          <path
            d={linePath(series.values, x, y)}
            fill="none"
            stroke-width={2}
            stroke-linecap="round"
            stroke-linejoin="round"
            vector-effect="non-scaling-stroke"
            class={seriesColor(index).stroke}
          />
        ))}
      </svg>
    </div>
  );
}

/** A path that lifts the pen over buckets without checks. */
function linePath(
  values: (number | null)[],
  x: (index: number) => number,
  y: (value: number) => number,
): string {
  let d = "";
  let pen = false;
  values.forEach((value, index) => {
    if (value === null) return void (pen = false);
    // A zero-length segment after each move: with round caps a lone bucket is a dot.
    d += `${pen ? "L" : "M"}${x(index).toFixed(1)} ${y(value).toFixed(1)}${pen ? "" : "l0 0"}`;
    pen = true;
  });
  return d;
}
