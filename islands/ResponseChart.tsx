/**
 * Response time per region with down periods shaded, drawn with uPlot once the page has
 * loaded it; until then (and without JavaScript) the server's SVG stands in. uPlot is
 * imported dynamically so it is fetched only by the page that shows a chart. Redrawn
 * when the colour scheme or the width changes.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type uPlot from "uplot";
import { type ChartData, isolatedPoints, seriesColor } from "../components/monitor/chart_data.ts";
import { Sparkline } from "../components/monitor/sparkline.tsx";
import { formatDateTime, formatMs, formatTicks } from "../lib/time_format.ts";

const HEIGHT = 240;

const THEMES = {
  light: { axis: "#475569", grid: "#e2e8f0", down: "rgba(225, 29, 72, 0.12)" },
  dark: { axis: "#cbd5e1", grid: "#334155", down: "rgba(251, 113, 133, 0.2)" },
};

export default function ResponseChart(
  props: { data: ChartData; label: string; describedBy: string },
) {
  const box = useRef<HTMLDivElement>(null);
  const [drawn, setDrawn] = useState(false);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let plot: uPlot | null = null;
    let stopped = false;
    const scheme = matchMedia("(prefers-color-scheme: dark)");
    const resize = new ResizeObserver(() => {
      if (plot && el.clientWidth) plot.setSize({ width: el.clientWidth, height: HEIGHT });
    });

    const draw = async () => {
      const { default: UPlot } = await import("uplot");
      if (stopped) return;
      plot?.destroy();
      const colors = scheme.matches ? "dark" : "light";
      plot = new UPlot(options(props.data, colors, el), [
        props.data.times,
        ...props.data.series.map((series) => series.values),
      ] as uPlot.AlignedData, el);
      el.dataset.scheme = colors;
      el.dataset.points = String(
        props.data.series.reduce((n, s) => n + s.values.filter((v) => v !== null).length, 0),
      );
      setDrawn(true);
    };
    const redraw = () => void draw();

    draw().catch(() => {}); // the SVG stays when uPlot cannot load
    scheme.addEventListener("change", redraw);
    resize.observe(el);
    return () => {
      stopped = true;
      scheme.removeEventListener("change", redraw);
      resize.disconnect();
      plot?.destroy();
    };
  }, [props.data]);

  return (
    <div>
      <div
        ref={box}
        role="img"
        aria-label={props.label}
        aria-describedby={props.describedBy}
        data-chart="uplot"
        class={drawn ? "w-full" : "hidden"}
      />
      {!drawn && (
        <Sparkline
          data={props.data}
          label={props.label}
          describedBy={props.describedBy}
        />
      )}
    </div>
  );
}

function options(data: ChartData, scheme: "light" | "dark", el: HTMLElement): uPlot.Options {
  const theme = THEMES[scheme];
  const axis = {
    stroke: theme.axis,
    grid: { stroke: theme.grid, width: 1 },
    ticks: { stroke: theme.grid, width: 1 },
  };
  return {
    width: el.clientWidth || 600,
    height: HEIGHT,
    scales: {
      x: { time: true },
      y: { range: (_u, _min, max) => [0, Math.max(10, (max ?? 0) * 1.1)] },
    },
    axes: [
      // Times as the rest of the page writes them ("3 Dec, 14:00"), not uPlot's "12/3/26".
      {
        ...axis,
        space: 60,
        values: (_u, ticks, _axis, _space, step) =>
          formatTicks(ticks.map((tick) => tick * 1000), step),
      },
      { ...axis, size: 64, values: (_u, ticks) => ticks.map((tick) => formatMs(tick)) },
    ],
    series: [
      { value: (_u, v) => v === null ? "—" : formatDateTime(v * 1000, undefined, true) },
      ...data.series.map((series, index) => ({
        label: series.region,
        stroke: seriesColor(index)[scheme],
        width: 2,
        spanGaps: false,
        // Lines only, but a value without neighbours (no line reaches it) as a dot.
        points: {
          show: false,
          size: 6,
          fill: seriesColor(index)[scheme],
          filter: isolatedPoints(series.values),
        },
        value: (_u: uPlot, v: number | null) => formatMs(v),
      })),
    ],
    cursor: { drag: { x: false, y: false } },
    hooks: {
      // Behind the lines: shade each down period over the plot's full height.
      drawClear: [(u) => {
        const ctx = u.ctx;
        ctx.save();
        ctx.fillStyle = theme.down;
        for (const [from, to] of data.down) {
          const left = u.valToPos(from, "x", true);
          const right = u.valToPos(to, "x", true);
          ctx.fillRect(left, u.bbox.top, Math.max(2, right - left), u.bbox.height);
        }
        ctx.restore();
      }],
    },
  };
}
