/**
 * What the response-time chart draws, computed on the server from `website.metrics`:
 * the median of each bucket per region, and the buckets with failed checks (shaded as
 * down periods). Imports only types, so the chart island can bundle it.
 */
import type { WebsiteMetrics } from "../../services/websites/metrics.ts";
import { formatDateTime, formatMs } from "../../lib/time_format.ts";

export interface ChartData {
  /** Bucket starts, epoch seconds (uPlot's time unit). */
  times: number[];
  bucketSeconds: number;
  series: { region: string; values: (number | null)[] }[];
  /** Down periods, [start, end) in epoch seconds. */
  down: [number, number][];
  /** Checks under maintenance in the range: in no down period, whatever they said. */
  maintenance: number;
}

export function chartData(metrics: WebsiteMetrics, now = Date.now()): ChartData {
  const bucketSeconds = metrics.bucketMs / 1000;
  // The bucket under way ends in the future; a down period in it ends now at the latest.
  const until = (end: number) => Math.min(end, Math.floor(now / 1000));
  const times = (metrics.regions[0]?.series ?? []).map((bucket) => bucket.at / 1000);
  const down: [number, number][] = [];
  times.forEach((start, index) => {
    const failed = metrics.regions.some((region) => {
      const bucket = region.series[index];
      return bucket && bucket.up < bucket.checks;
    });
    if (!failed) return;
    const last = down.at(-1);
    if (last && last[1] === start) last[1] = until(start + bucketSeconds);
    else down.push([start, until(start + bucketSeconds)]);
  });
  return {
    times,
    bucketSeconds,
    series: metrics.regions.map((region) => ({
      region: region.region,
      values: region.series.map((bucket) => bucket.p50 === null ? null : Math.round(bucket.p50)),
    })),
    down,
    maintenance: metrics.maintenance,
  };
}

/**
 * Indices of values with no neighbour on either side: a line does not show them (one
 * check, or a monitor checked less often than once a bucket), so they are drawn as dots.
 */
export function isolatedPoints(values: (number | null)[]): number[] {
  return values.flatMap((value, i) =>
    value !== null && (values[i - 1] ?? null) === null && (values[i + 1] ?? null) === null
      ? [i]
      : []
  );
}

/** The chart in words: its text alternative, and the caption without JavaScript. */
export function describeChart(data: ChartData): string[] {
  const lines: string[] = [];
  for (const { region, values } of data.series) {
    const known = values.filter((value): value is number => value !== null);
    if (!known.length) {
      lines.push(`${region}: no checks`);
      continue;
    }
    const sorted = [...known].sort((a, b) => a - b);
    const [low, high] = [formatMs(sorted[0]), formatMs(sorted.at(-1))];
    lines.push(
      low === high
        ? `${region}: median response ${low}`
        : `${region}: median response between ${low} and ${high}, typically ${
          formatMs(sorted[Math.floor(sorted.length / 2)])
        }`,
    );
  }
  const unCounted = data.maintenance
    ? `; ${data.maintenance.toLocaleString("en")} check${
      data.maintenance === 1 ? "" : "s"
    } during maintenance ${data.maintenance === 1 ? "is" : "are"} not counted`
    : "";
  if (!data.down.length) lines.push(`No failed checks in this range${unCounted}.`);
  else {
    const shown = data.down.slice(-5).map(([from, to]) =>
      `${formatDateTime(from * 1000, "UTC")} to ${formatDateTime(to * 1000, "UTC")}`
    );
    lines.push(
      `Failed checks in ${data.down.length} period${data.down.length === 1 ? "" : "s"}${
        data.down.length > 5 ? ", the latest" : ""
      }: ${shown.join("; ")}${unCounted}.`,
    );
  }
  return lines;
}

/** Series colours: distinct from the up/down greens and reds, readable on light and dark. */
export const SERIES_COLORS = [
  { light: "#0284c7", dark: "#38bdf8", tw: "sky" },
  { light: "#d97706", dark: "#fbbf24", tw: "amber" },
  { light: "#7c3aed", dark: "#a78bfa", tw: "violet" },
  { light: "#db2777", dark: "#f472b6", tw: "pink" },
  { light: "#0d9488", dark: "#2dd4bf", tw: "teal" },
  { light: "#4f46e5", dark: "#818cf8", tw: "indigo" },
].map((color) => ({
  ...color,
  stroke: `stroke-${color.tw}-600 dark:stroke-${color.tw}-400`,
  fill: `fill-${color.tw}-600 dark:fill-${color.tw}-400`,
}));

export const seriesColor = (index: number) => SERIES_COLORS[index % SERIES_COLORS.length];
