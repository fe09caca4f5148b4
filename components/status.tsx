/**
 * How a status looks everywhere: a coloured dot plus an icon and a word, so colour is
 * never the only signal. Islands import these too.
 */
export type DisplayStatus = "up" | "down" | "degraded" | "paused" | "pending" | "nodata";

export const STATUS_LABEL: Record<DisplayStatus, string> = {
  up: "Up",
  down: "Down",
  degraded: "Degraded",
  paused: "Paused",
  pending: "Pending",
  nodata: "No data",
};

const ICON: Record<DisplayStatus, string> = {
  up: "✓",
  down: "✕",
  degraded: "!",
  paused: "Ⅱ",
  pending: "…",
  nodata: "?",
};

export const STATUS_DOT: Record<DisplayStatus, string> = {
  up: "bg-emerald-600",
  down: "bg-rose-600",
  degraded: "bg-amber-500",
  paused: "bg-slate-400",
  pending: "bg-slate-300 dark:bg-slate-500",
  nodata: "bg-slate-300 dark:bg-slate-500",
};

const BADGE: Record<DisplayStatus, string> = {
  up: "bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100",
  down: "bg-rose-100 text-rose-900 dark:bg-rose-900 dark:text-rose-100",
  degraded: "bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100",
  paused: "bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100",
  pending: "bg-slate-100 text-slate-700 dark:bg-slate-700 dark:text-slate-200",
  nodata: "bg-slate-100 text-slate-700 dark:bg-slate-700 dark:text-slate-200",
};

/** A pill: icon and word on a tinted background. */
export function StatusBadge(props: { status: DisplayStatus; label?: string }) {
  return (
    <span
      class={`inline-flex items-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-semibold ${
        BADGE[props.status]
      }`}
      data-status={props.status}
    >
      <span aria-hidden="true">{ICON[props.status]}</span>
      {props.label ?? STATUS_LABEL[props.status]}
    </span>
  );
}

/** A small dot with the status in its accessible name and tooltip. */
export function StatusDot(props: { status: DisplayStatus; label: string }) {
  return (
    <span
      class={`inline-block h-2.5 w-2.5 shrink-0 rounded-full ${STATUS_DOT[props.status]}`}
      role="img"
      aria-label={props.label}
      title={props.label}
      data-status={props.status}
    />
  );
}
