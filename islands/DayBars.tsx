/**
 * A monitor's daily bars, on the public status page and on the monitor's page in the
 * dashboard. Without JavaScript they are what the server drew: coloured days, each with its
 * figures in a tooltip. With it, each bar is a button (one tab stop per row; arrow keys,
 * Home and End move along it) that opens the day's card on hover, focus or tap: its uptime,
 * when the monitor was down that day and for how long, with a link to the incident, and the
 * checks under maintenance. A phone gets the card on a tap, where a tooltip never shows.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { barClass, formatUtc } from "../lib/status_page_style.ts";
import {
  beatsText,
  type DailyBar,
  DAY_MS,
  dayBarLook,
  formatUptime,
  maintenanceWords,
  uptimePercent,
} from "../lib/uptime.ts";
import { formatDate, formatLongDuration } from "../lib/time_format.ts";

/** One day's counts, as `DailyBar` has them: [checks, up, maintenance]. */
export type DayCounts = [checks: number, up: number, maintenance: number];

export interface DayBarsIncident {
  id: string;
  startedAt: number;
  resolvedAt: number | null;
}

interface Props {
  /** Names the row: "Daily uptime of API, last 90 days: 99.98 %". */
  label: string;
  /** The first bar's UTC day, epoch ms; each bar is a day later. */
  firstDay: number;
  days: DayCounts[];
  /** The monitor's incidents of the page, any order. */
  incidents: DayBarsIncident[];
  /** The row's classes: the bars' shared look and which of them a phone hides. */
  rowClass: string;
  /** Where an incident is: this followed by its id. Default: `#incident-` (the page's list). */
  incidentHref?: string;
  /**
   * The dashboard's bars: height as well as colour says how a day went (`dayBarLook`), and
   * titles and cards count the day's checks, or beats. Unset: the status page's bars.
   */
  dashboard?: { noun: "check" | "beat" };
}

export default function DayBars(props: Props) {
  const { days, firstDay } = props;
  const [ready, setReady] = useState(false);
  // The bar whose card is open, and the one that takes the row's tab stop.
  const [open, setOpen] = useState<number | null>(null);
  const [current, setCurrent] = useState(days.length - 1);
  // A card opened by a click or tap stays until another click, a tap elsewhere or Escape.
  const [pinned, setPinned] = useState<number | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const cardId = useRef(`day-card-${Math.random().toString(36).slice(2)}`).current;
  useEffect(() => setReady(true), []);
  // A tap elsewhere closes the card, and Escape does wherever the focus is (a card opened
  // by the pointer included).
  useEffect(() => {
    if (open === null) return;
    const away = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) close();
    };
    const escape = (event: KeyboardEvent) => {
      if (event.key === "Escape") close();
    };
    document.addEventListener("pointerdown", away);
    document.addEventListener("keydown", escape);
    return () => {
      document.removeEventListener("pointerdown", away);
      document.removeEventListener("keydown", escape);
    };
  }, [open]);

  const close = () => {
    setOpen(null);
    setPinned(null);
  };
  const show = (index: number) => {
    setCurrent(index);
    setOpen(index);
    // A pinned card moves with the keys, and stays pinned.
    if (pinned !== null) setPinned(index);
  };
  const onKeyDown = (event: KeyboardEvent, index: number) => {
    // A phone hides the older bars: the keys stop at the first one shown.
    const shown = [...root.current!.querySelectorAll<HTMLElement>("[data-day]")]
      .map((bar, i) => bar.offsetParent === null ? -1 : i).filter((i) => i >= 0);
    const target = event.key === "ArrowLeft"
      ? index - 1
      : event.key === "ArrowRight"
      ? index + 1
      : event.key === "Home"
      ? shown[0]
      : event.key === "End"
      ? shown[shown.length - 1]
      : null;
    if (target !== null) {
      event.preventDefault();
      if (shown.includes(target)) {
        show(target);
        root.current!.querySelectorAll<HTMLElement>("[data-day]")[target].focus();
      }
    }
  };

  return (
    <div
      ref={root}
      class="relative"
      onMouseLeave={() => pinned === null && setOpen(null)}
      onFocusOut={(event) => {
        if (!root.current?.contains(event.relatedTarget as Node | null)) close();
      }}
    >
      <div
        class={props.rowClass}
        role={ready ? "group" : "img"}
        aria-label={props.label}
      >
        {days.map((counts, index) => {
          const day = dayOf(firstDay, index, counts, props.dashboard?.noun);
          // The dashboard's bar is a column whose filled part has the day's height.
          const look = props.dashboard ? "flex items-end" : barClass(day.uptime, day.maintenance);
          const fill = props.dashboard && (
            <span class={`block w-full rounded-sm ${dayBarLook(day.uptime, day.maintenance)}`} />
          );
          if (!ready) {
            return (
              <span key={day.date} data-day={day.date} title={day.title} class={look}>
                {fill}
              </span>
            );
          }
          return (
            <button
              key={day.date}
              type="button"
              data-day={day.date}
              class={`${look} h-full focus:outline-none focus-visible:ring-2 ${
                open === index ? "ring-2" : ""
              } ring-slate-900 ring-offset-1 dark:ring-white dark:ring-offset-slate-800`}
              tabIndex={index === current ? 0 : -1}
              aria-label={day.title}
              aria-expanded={open === index}
              aria-controls={open === index ? cardId : undefined}
              onMouseEnter={() => pinned === null && setOpen(index)}
              onFocus={() => show(index)}
              onClick={() => {
                // A click on the pinned day's bar closes its card; on any other, pins it.
                if (pinned === index) return close();
                show(index);
                setPinned(index);
              }}
              onKeyDown={(event) => onKeyDown(event, index)}
            >
              {fill}
            </button>
          );
        })}
      </div>
      {ready && open !== null && (
        <DayCard
          id={cardId}
          day={dayOf(firstDay, open, days[open], props.dashboard?.noun)}
          noun={props.dashboard?.noun ?? "check"}
          incidentHref={props.incidentHref ?? "#incident-"}
          incidents={props.incidents}
          center={centerOf(root.current, open)}
          now={Date.now()}
        />
      )}
    </div>
  );
}

interface Day extends DailyBar {
  /** The day in one line, as the bar's tooltip and accessible name. */
  title: string;
}

/** `counted`: the title also counts the day's checks (or beats), as the dashboard's does. */
function dayOf(
  firstDay: number,
  index: number,
  [checks, up, maintenance]: DayCounts,
  counted?: "check" | "beat",
): Day {
  const at = firstDay + index * DAY_MS;
  const date = new Date(at).toISOString().slice(0, 10);
  const uptime = uptimePercent(up, checks);
  const words = [
    uptime === null ? "" : `${formatUptime(uptime)} uptime`,
    uptime !== null && counted ? countOf(up, checks, counted) : "",
    maintenanceWords({ checks, maintenance }, counted),
  ].filter(Boolean).join(", ") || (counted ? `no ${counted}s` : "no data");
  return { at, date, checks, up, maintenance, uptime, title: `${date}: ${words}` };
}

/** Where a bar's center is, px from the row's left (a phone shows fewer, wider bars). */
function centerOf(root: HTMLElement | null, index: number): number {
  const bar = root?.querySelectorAll<HTMLElement>("[data-day]")[index];
  return bar ? bar.offsetLeft + bar.offsetWidth / 2 : 0;
}

/** The part of an incident that fell on a day, in words: "14:02 – 14:16 UTC". */
function downWhen(incident: DayBarsIncident, dayStart: number, now: number): string {
  const dayEnd = dayStart + DAY_MS;
  const time = (at: number) => formatUtc(at).slice(11, 16);
  const start = incident.startedAt < dayStart
    ? formatUtc(incident.startedAt).slice(0, 16)
    : time(incident.startedAt);
  const lasted = formatLongDuration((incident.resolvedAt ?? now) - incident.startedAt);
  if (incident.resolvedAt === null) return `since ${start} UTC (ongoing, ${lasted})`;
  const end = incident.resolvedAt >= dayEnd
    ? formatUtc(incident.resolvedAt).slice(0, 16)
    : time(incident.resolvedAt);
  return `${start} – ${end} UTC (${lasted})`;
}

/** "24 checks", or a heartbeat's "23 received, 1 missed". */
const countOf = (up: number, checks: number, noun: "check" | "beat") =>
  noun === "beat"
    ? beatsText(up, checks)
    : `${checks.toLocaleString("en")} check${checks === 1 ? "" : "s"}`;

function DayCard(props: {
  id: string;
  day: Day;
  noun: "check" | "beat";
  incidentHref: string;
  incidents: DayBarsIncident[];
  /** The bar's center, px from the row's left edge. */
  center: number;
  now: number;
}) {
  const { day, now } = props;
  const dayEnd = day.at + DAY_MS;
  const down = props.incidents
    .filter((i) => i.startedAt < dayEnd && (i.resolvedAt ?? now) > day.at)
    .sort((a, b) => a.startedAt - b.startedAt);
  const failed = day.checks - day.up;
  const maintenance = maintenanceWords(day, props.noun);
  return (
    <div
      id={props.id}
      // Focusable, so a click or tap on it keeps the focus (and the card) in the row.
      tabIndex={-1}
      data-day-card={day.date}
      // Under its bar, kept inside the row: set through CSSOM, which the page's CSP allows.
      // Its top padding is part of it, so the pointer reaches it without leaving the bars.
      style={{ left: `clamp(0px, calc(${props.center}px - 9rem), calc(100% - 18rem))` }}
      class="absolute top-full z-10 w-72 max-w-full pt-2 focus:outline-none"
    >
      <div class="rounded-lg border border-slate-200 bg-white p-3 text-sm shadow-lg dark:border-slate-600 dark:bg-slate-900">
        <p class="font-semibold">{formatDate(day.at, "UTC")}</p>
        <p class="mt-1 text-slate-700 dark:text-slate-300">
          {day.uptime === null
            ? maintenance
              ? `Only ${props.noun}s under maintenance (not counted)`
              : `No ${props.noun}s this day`
            : `${formatUptime(day.uptime)} uptime · ${countOf(day.up, day.checks, props.noun)}`}
        </p>
        {down.length > 0
          ? (
            <ul class="mt-2 space-y-1">
              {down.map((incident) => (
                <li key={incident.id} class="text-rose-800 dark:text-rose-300">
                  <a class="underline" href={`${props.incidentHref}${incident.id}`}>
                    Down {downWhen(incident, day.at, now)}
                  </a>
                </li>
              ))}
            </ul>
          )
          : day.uptime === 100
          ? <p class="mt-2 text-emerald-800 dark:text-emerald-300">No downtime recorded</p>
          // A heartbeat's line above already says how many beats were missed.
          : failed > 0 && props.noun === "check" && (
            <p class="mt-2 text-slate-700 dark:text-slate-300">
              {failed.toLocaleString("en")} failed {props.noun}
              {failed === 1 ? "" : "s"}
            </p>
          )}
        {maintenance && day.uptime !== null && (
          <p class="mt-2 text-sky-800 dark:text-sky-300">
            {maintenance[0].toUpperCase() + maintenance.slice(1)}
          </p>
        )}
      </div>
    </div>
  );
}
