/**
 * The monitors table. On the server it renders the page of rows and a search form that
 * works without JavaScript; in the browser it follows those monitors over `/api/ws`
 * (status dots, last check, response time and the strip update in place), ticks the
 * relative times, and searches, filters and sorts without a reload. The counts above it
 * follow the statuses of the monitors it shows. Ticked monitors can be paused, resumed or
 * deleted together (a GET form to /app/monitors/bulk, which asks first); in the browser
 * one box ticks the whole page.
 */
import { TagList } from "../components/monitor/tag_list.tsx";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { connectLive, type LiveResult } from "../web/live/client.ts";
import { overallState, regionState } from "../lib/live_status.ts";
import { countedAs, shownRegion, shownStatus } from "../lib/monitor_status.ts";
import { formatDateTime, formatMs, formatRelative } from "../lib/time_format.ts";
import { formatUptime } from "../lib/uptime.ts";
import { errorKindWords } from "../lib/http_client/failures.ts";
import { type DisplayStatus, STATUS_LABEL, StatusBadge, StatusDot } from "../components/status.tsx";
import { buttonClass, CHECKBOX, FOCUS, INPUT, LINK } from "../components/ui.tsx";
import type {
  MonitorRow,
  MonitorStatus,
  Overview,
  RecentCheck,
} from "../services/websites/overview.ts";
import { type PackedOverview, unpackOverview } from "../components/monitor/packed_overview.ts";

const STRIP_LENGTH = 30;
const SORT_LABELS = {
  status: "Status (down first)",
  name: "Name",
  uptime: "Uptime (lowest first)",
  response: "Response time (slowest first)",
  created: "Newest first",
} as const;

const display = (row: MonitorRow): DisplayStatus =>
  shownStatus(row.status, row.regions.some((r) => shownRegion(r.state, r.degraded) === "degraded"));

export default function MonitorTable(
  // `viewOnly`: a viewer of the team, who has nothing to tick.
  props: { overview: PackedOverview; viewOnly?: boolean },
) {
  const [overview, setOverview] = useState(() => unpackOverview(props.overview));
  const [hydrated, setHydrated] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  const [announcement, setAnnouncement] = useState("");
  const [loading, setLoading] = useState(false);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const live = useRef<ReturnType<typeof connectLive> | null>(null);
  /** Each shown monitor's status when the server counted: live counts move from there. */
  const counted = useRef(statusesOf(overview.rows));
  const request = useRef(0);
  const searchTimer = useRef<ReturnType<typeof setTimeout>>();

  useEffect(() => {
    setHydrated(true);
    // Boxes ticked before the page came alive stay ticked.
    setSelected(
      new Set(
        [...document.querySelectorAll<HTMLInputElement>('input[form="bulk"][name="id"]:checked')]
          .map((box) => box.value),
      ),
    );
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    live.current = connectLive({
      websiteIds: overview.rows.map((row) => row.id),
      onResult: (result) =>
        setOverview((current) => {
          const rows = current.rows.map((row) =>
            row.id === result.websiteId ? apply(row, result) : row
          );
          const before = current.rows.find((row) => row.id === result.websiteId);
          const after = rows.find((row) => row.id === result.websiteId);
          if (before && after && display(before) !== display(after)) {
            setAnnouncement(`${after.name} is ${STATUS_LABEL[display(after)].toLowerCase()}`);
          }
          return { ...current, rows };
        }),
    });
    return () => {
      clearInterval(timer);
      live.current?.close();
    };
  }, []);

  // Regions that stopped reporting turn to "no data" as time passes, without a result.
  const rows = useMemo(
    () => hydrated ? overview.rows.map((row) => refresh(row, now)) : overview.rows,
    [overview, hydrated, Math.floor(now / 5_000)],
  );

  const load = async (query: Overview["query"]) => {
    const id = ++request.current;
    setLoading(true);
    try {
      const input = encodeURIComponent(JSON.stringify(query));
      const res = await fetch(`/api/trpc/website.overview?input=${input}`);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const next = (await res.json()).result.data as Overview;
      if (id !== request.current) return;
      live.current?.unsubscribe();
      live.current?.subscribe({ websiteIds: next.rows.map((row) => row.id) });
      counted.current = statusesOf(next.rows);
      setOverview(next);
      setSelected(new Set());
      const params = queryParams(next.query);
      history.replaceState(null, "", params.size ? `/app?${params}` : "/app");
    } catch {
      // The form still works: a full submit answers from the server.
      if (id === request.current) setAnnouncement("Could not refresh the list; press Search.");
    } finally {
      if (id === request.current) setLoading(false);
    }
  };

  const change = (patch: Partial<Overview["query"]>, delay = 0) => {
    clearTimeout(searchTimer.current);
    const query = { ...overview.query, ...patch, page: 1 };
    setOverview((current) => ({ ...current, query }));
    searchTimer.current = setTimeout(() => load(query), delay);
  };

  const { query } = overview;
  const counts = liveCounts(overview.counts, rows, counted.current);
  const toggle = (id: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const allTicked = rows.length > 0 && rows.every((row) => selected.has(row.id));
  const first = (query.page - 1) * 50 + 1;
  return (
    <div>
      <p class="mb-4 text-sm text-slate-600 dark:text-slate-400">
        {counts.all} {counts.all === 1 ? "monitor" : "monitors"} · {counts.down} down ·{" "}
        {counts.paused} paused
      </p>
      <form
        method="get"
        action="/app"
        role="search"
        class="mb-4 flex flex-wrap items-end gap-3"
        onSubmit={(event) => {
          event.preventDefault();
          change({}, 0);
        }}
      >
        <div class="min-w-[12rem] flex-1">
          <label for="q" class="block text-sm font-medium">Search monitors</label>
          <input
            id="q"
            name="q"
            type="search"
            value={query.q}
            placeholder="Name, URL or tag"
            class={`${INPUT} mt-1`}
            onInput={(e) => change({ q: (e.currentTarget as HTMLInputElement).value }, 250)}
          />
        </div>
        <div>
          <label for="status" class="block text-sm font-medium">Status</label>
          <select
            id="status"
            name="status"
            class={`${INPUT} mt-1`}
            onChange={(e) =>
              change({ status: (e.currentTarget as HTMLSelectElement).value as never })}
          >
            <option value="all" selected={query.status === "all"}>All ({counts.all})</option>
            <option value="up" selected={query.status === "up"}>Up ({counts.up})</option>
            <option value="down" selected={query.status === "down"}>Down ({counts.down})</option>
            <option value="paused" selected={query.status === "paused"}>
              Paused ({counts.paused})
            </option>
          </select>
        </div>
        {(overview.tags.length > 0 || query.tag) && (
          <div>
            <label for="tag" class="block text-sm font-medium">Tag</label>
            <select
              id="tag"
              name="tag"
              class={`${INPUT} mt-1 max-w-[12rem]`}
              onChange={(e) => change({ tag: (e.currentTarget as HTMLSelectElement).value })}
            >
              <option value="" selected={!query.tag}>All tags</option>
              {tagChoices(overview.tags, query.tag).map((tag) => (
                <option
                  key={tag}
                  value={tag}
                  selected={tag.toLowerCase() === query.tag.toLowerCase()}
                >
                  {tag}
                </option>
              ))}
            </select>
          </div>
        )}
        <div>
          <label for="sort" class="block text-sm font-medium">Sort by</label>
          <select
            id="sort"
            name="sort"
            class={`${INPUT} mt-1`}
            onChange={(e) =>
              change({ sort: (e.currentTarget as HTMLSelectElement).value as never })}
          >
            {Object.entries(SORT_LABELS).map(([value, label]) => (
              <option key={value} value={value} selected={query.sort === value}>{label}</option>
            ))}
          </select>
        </div>
        <button
          type="submit"
          class={`rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-50 dark:border-slate-600 dark:bg-slate-800 dark:hover:bg-slate-700 ${FOCUS}`}
        >
          Search
        </button>
      </form>

      <p class="sr-only" aria-live="polite" role="status">{announcement}</p>

      {rows.length === 0
        ? (
          <div class="rounded-lg border border-slate-200 bg-white px-6 py-10 text-center dark:border-slate-700 dark:bg-slate-800">
            <p class="font-medium">
              {query.q || query.tag
                ? "No monitors match this search."
                : query.status === "all"
                ? "No monitors on this page."
                : `No monitors are ${query.status} right now.`}
            </p>
            <a href="/app" class={`${LINK} mt-2 inline-block text-sm`}>Show all monitors</a>
          </div>
        )
        : (
          <>
            {!props.viewOnly && (
              <form
                id="bulk"
                method="get"
                action="/app/monitors/bulk"
                class="mb-3 flex flex-wrap items-center gap-2 text-sm"
              >
                <span class="mr-1 text-slate-600 dark:text-slate-400" aria-live="polite">
                  {hydrated
                    ? `${selected.size} of ${rows.length} on this page ticked`
                    : "With the ticked monitors:"}
                </span>
                {BULK_BUTTONS.map(([action, label]) => (
                  <button
                    key={action}
                    type="submit"
                    name="action"
                    value={action}
                    disabled={hydrated && selected.size === 0}
                    class={buttonClass("secondary", "px-3 py-1.5")}
                  >
                    {label}
                  </button>
                ))}
              </form>
            )}
            <div
              class={`overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm dark:border-slate-700 dark:bg-slate-800 ${
                loading ? "opacity-60" : ""
              }`}
              aria-busy={loading ? "true" : undefined}
            >
              <table
                class={`w-full text-left text-sm lg:min-w-[60rem] ${STRIP_CELLS}`}
                id="monitors"
              >
                <caption class="sr-only">
                  Your monitors, {overview.matching} shown of {counts.all}
                </caption>
                <thead class="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-600 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-400">
                  <tr>
                    {!props.viewOnly && (
                      <th scope="col" class="w-10 py-3 pl-4 pr-0">
                        {hydrated
                          ? (
                            <label class="flex">
                              <input
                                type="checkbox"
                                class={`${CHECKBOX} ${FOCUS}`}
                                checked={allTicked}
                                onChange={(e) =>
                                  setSelected(
                                    (e.currentTarget as HTMLInputElement).checked
                                      ? new Set(rows.map((row) => row.id))
                                      : new Set(),
                                  )}
                              />
                              <span class="sr-only">Tick every monitor on this page</span>
                            </label>
                          )
                          : <span class="sr-only">Ticked</span>}
                      </th>
                    )}
                    <th scope="col" class="px-4 py-3 font-semibold">Monitor</th>
                    <th scope="col" class="px-4 py-3 font-semibold">Status</th>
                    <th scope="col" class="hidden px-4 py-3 font-semibold md:table-cell">
                      Regions
                    </th>
                    <th scope="col" class="hidden px-4 py-3 font-semibold sm:table-cell">
                      Last check
                    </th>
                    <th scope="col" class="hidden px-4 py-3 text-right font-semibold sm:table-cell">
                      Response
                    </th>
                    <th scope="col" class="px-4 py-3 text-right font-semibold">Uptime 24 h</th>
                    <th scope="col" class="hidden px-4 py-3 font-semibold md:table-cell">
                      Last 30 checks
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row, index) => (
                    <MonitorRowView
                      key={row.id}
                      row={row}
                      now={now}
                      hydrated={hydrated}
                      first={index === 0}
                      ticked={selected.has(row.id)}
                      onTick={props.viewOnly ? undefined : (on) => toggle(row.id, on)}
                    />
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}

      {overview.pages > 1 && (
        <nav
          aria-label="Pages"
          class="mt-4 flex flex-wrap items-center justify-between gap-3 text-sm"
        >
          <p class="text-slate-600 dark:text-slate-400">
            {first}–{Math.min(first + 49, overview.matching)} of {overview.matching}
          </p>
          <div class="flex gap-2">
            {query.page > 1 && (
              <a class={LINK} href={pageHref(query, query.page - 1)}>Previous page</a>
            )}
            {query.page < overview.pages && (
              <a class={LINK} href={pageHref(query, query.page + 1)}>Next page</a>
            )}
          </div>
        </nav>
      )}
    </div>
  );
}

/** The bulk form's buttons: the action each sends (web/monitor_actions.ts), and its name. */
const BULK_BUTTONS = [
  ["pause", "Pause selected"],
  ["resume", "Resume selected"],
  ["delete", "Delete selected"],
] as const;

function MonitorRowView(
  props: {
    row: MonitorRow;
    now: number;
    hydrated: boolean;
    first: boolean;
    ticked: boolean;
    /** Absent: nothing to tick (a viewer). */
    onTick?: (on: boolean) => void;
  },
) {
  const { row, now, hydrated, first } = props;
  const zone = hydrated ? undefined : "UTC";
  return (
    <tr
      class="border-t border-slate-100 align-middle dark:border-slate-700"
      data-monitor={row.id}
      data-status={row.status}
    >
      {props.onTick && (
        <td class="w-10 py-3 pl-4 pr-0">
          <label class="flex">
            <input
              type="checkbox"
              name="id"
              value={row.id}
              form="bulk"
              class={`${CHECKBOX} ${FOCUS}`}
              checked={props.ticked}
              onChange={(e) => props.onTick?.((e.currentTarget as HTMLInputElement).checked)}
            />
            <span class="sr-only">Tick {row.name}</span>
          </label>
        </td>
      )}
      <td class="max-w-[16rem] px-4 py-3">
        <a
          href={`/app/monitors/${row.id}`}
          class={`${LINK} block [overflow-wrap:anywhere] sm:truncate`}
          {
            // When the table is first drawn, for browsers that report it (Element Timing).
            ...(first ? { elementtiming: "monitors-first-row" } : {})
          }
        >
          {row.name}
        </a>
        <span class="block text-xs text-slate-600 [overflow-wrap:anywhere] dark:text-slate-400 sm:truncate">
          {row.target}
        </span>
        <TagList tags={row.tags} of={row.name} class="mt-1" />
      </td>
      <td class="px-4 py-3">
        <StatusBadge status={display(row)} />
        {row.maintenanceUntil !== null && row.maintenanceUntil > now && (
          <span
            class="mt-1 block whitespace-nowrap text-xs text-sky-800 dark:text-sky-300"
            title={`Under maintenance until ${formatDateTime(row.maintenanceUntil)}: no alerts`}
            data-maintenance
          >
            Maintenance
          </span>
        )}
      </td>
      <td class="hidden px-4 py-3 md:table-cell">
        <ul class="flex flex-wrap gap-x-3 gap-y-1">
          {row.regions.map((region) => (
            <li key={region.region} class="flex items-center gap-1 text-xs">
              <StatusDot
                status={shownRegion(region.state, region.degraded)}
                label={`${row.timed ? region.region : "Last beat"}: ${
                  region.state === "nodata"
                    ? "no data"
                    : region.state === "down"
                    ? "down"
                    : region.degraded
                    ? "up, slow"
                    : "up"
                }`}
              />
              {/* A heartbeat is reported to us, from no region of ours. */}
              <span
                class={`${row.timed ? "font-mono " : ""}text-slate-700 dark:text-slate-300`}
              >
                {row.timed ? region.region : "Last beat"}
              </span>
            </li>
          ))}
        </ul>
      </td>
      <td class="hidden whitespace-nowrap px-4 py-3 text-slate-700 dark:text-slate-300 sm:table-cell">
        {row.lastCheckedAt === null
          ? row.active ? `Waiting for the first ${row.timed ? "check" : "beat"}` : "—"
          : (
            <time
              dateTime={new Date(row.lastCheckedAt).toISOString()}
              title={formatDateTime(row.lastCheckedAt, zone)}
            >
              {formatRelative(row.lastCheckedAt, now)}
            </time>
          )}
      </td>
      <td class="hidden whitespace-nowrap px-4 py-3 text-right tabular-nums sm:table-cell">
        {formatMs(row.lastResponseMs)}
      </td>
      <td class="whitespace-nowrap px-4 py-3 text-right tabular-nums">
        {formatUptime(row.uptime24h)}
      </td>
      <td class="hidden px-4 py-3 md:table-cell">
        <Strip recent={row.recent} zone={zone} timed={row.timed} />
      </td>
    </tr>
  );
}

// One rule on the table draws every cell of every strip, so a cell is only its tooltip:
// `<i title="…">` is up, `data-d` marks a down check, `data-s` an up one slower than the
// degraded threshold and `data-e` a slot not yet checked.
const STRIP_CELLS =
  "[&_[data-strip]>i]:(h-6 w-1.5 rounded-sm bg-emerald-500) [&_[data-strip]>[data-d]]:(h-3 bg-rose-600) [&_[data-strip]>[data-s]]:(h-5 bg-amber-500) [&_[data-strip]>[data-e]]:(h-2 bg-slate-200 dark:bg-slate-700)";

function Strip(props: { recent: RecentCheck[]; zone: string | undefined; timed: boolean }) {
  const down = props.recent.filter((check) => check.outcome === "down").length;
  const slow = props.recent.filter((check) => check.degraded).length;
  const empty = STRIP_LENGTH - props.recent.length;
  // An image to assistive technology: its name sums the strip up, the cells are its drawing.
  return (
    <div
      data-strip
      role="img"
      class="flex h-6 items-end gap-px"
      aria-label={props.recent.length
        ? `Last ${props.recent.length} checks: ${props.recent.length - down} up${
          slow ? ` (${slow} degraded)` : ""
        }, ${down} down`
        : "No checks yet"}
    >
      {Array.from({ length: empty }, (_, i) => <i key={`empty-${i}`} data-e />)}
      {props.recent.map((check) => (
        <i
          key={`${check.at}-${check.region}`}
          data-d={check.outcome === "down" || undefined}
          data-s={check.degraded || undefined}
          title={`${formatDateTime(check.at, props.zone)} · ${check.region} · ${
            check.outcome === "down" ? "Down" : check.degraded ? "Degraded" : "Up"
          } · ${
            check.outcome === "down"
              ? check.errorKind ? errorKindWords(check.errorKind) : `HTTP ${check.httpStatus}`
              : props.timed
              ? formatMs(check.responseMs)
              : "beat"
          }`}
        />
      ))}
    </div>
  );
}

/** A live result applied to its row. */
function apply(row: MonitorRow, result: LiveResult): MonitorRow {
  const regions = row.regions.map((region) =>
    region.region === result.region && (region.checkedAt ?? 0) <= result.checkedAt
      ? {
        ...region,
        state: result.outcome,
        responseMs: result.responseMs,
        checkedAt: result.checkedAt,
        degraded: result.degraded ?? false,
      }
      : region
  );
  const seen = row.recent.some((c) => c.at === result.scheduledAt && c.region === result.region);
  const recent = seen ? row.recent : [...row.recent, {
    at: result.scheduledAt,
    region: result.region,
    outcome: result.outcome,
    degraded: result.degraded ?? false,
    responseMs: result.responseMs,
    httpStatus: result.httpStatus,
    errorKind: result.errorKind,
  }].sort((a, b) => a.at - b.at).slice(-STRIP_LENGTH);
  const newer = (row.lastCheckedAt ?? 0) <= result.checkedAt;
  return {
    ...row,
    regions,
    recent,
    status: row.active ? overallState(regions.map((r) => r.state)) : "paused",
    lastCheckedAt: newer ? result.checkedAt : row.lastCheckedAt,
    lastResponseMs: newer && row.timed ? result.responseMs : row.lastResponseMs,
  };
}

/** Regions whose newest result has grown too old count as "no data". */
function refresh(row: MonitorRow, now: number): MonitorRow {
  if (!row.active) return row;
  let changed = false;
  const regions = row.regions.map((region) => {
    if (region.state === "nodata" || region.checkedAt === null) return region;
    const state = regionState(
      { outcome: region.state, checkedAt: region.checkedAt },
      row.intervalSeconds,
      now,
    );
    if (state === region.state) return region;
    changed = true;
    return { ...region, state };
  });
  return changed ? { ...row, regions, status: overallState(regions.map((r) => r.state)) } : row;
}

function statusesOf(rows: MonitorRow[]): Map<string, MonitorStatus> {
  return new Map(rows.map((row) => [row.id, row.status]));
}

/** The server's counts, moved by every shown monitor whose status changed since. */
function liveCounts(
  counts: Overview["counts"],
  rows: MonitorRow[],
  counted: Map<string, MonitorStatus>,
): Overview["counts"] {
  const next = { ...counts };
  for (const row of rows) {
    const before = counted.get(row.id);
    if (before === undefined || before === row.status) continue;
    const from = countedAs(before);
    const to = countedAs(row.status);
    if (from) next[from]--;
    if (to) next[to]++;
  }
  return next;
}

/** The account's tags, and the one filtered by when no monitor has it (any case) any more. */
function tagChoices(tags: string[], chosen: string): string[] {
  const known = !chosen || tags.some((tag) => tag.toLowerCase() === chosen.toLowerCase());
  return known ? tags : [...tags, chosen];
}

/** The address of the table's filters, what the server reads them from (defaults left out). */
function queryParams(query: Overview["query"]): URLSearchParams {
  const params = new URLSearchParams();
  if (query.q) params.set("q", query.q);
  if (query.status !== "all") params.set("status", query.status);
  if (query.sort !== "status") params.set("sort", query.sort);
  if (query.tag) params.set("tag", query.tag);
  return params;
}

function pageHref(query: Overview["query"], page: number): string {
  const params = queryParams(query);
  params.set("page", String(page));
  return `/app?${params}`;
}
