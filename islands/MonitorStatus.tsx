/**
 * The monitor's state and each region's latest check, kept current over `/api/ws`. It
 * holds the page's one live connection and hands every result to the recent-checks
 * island through the shared `feed` signal. A change of state is announced politely.
 */
import type { Signal } from "@preact/signals";
import { useEffect, useRef, useState } from "preact/hooks";
import { connectLive, type LiveResult, type LiveState } from "../web/live/client.ts";
import {
  monitorState,
  nextRun,
  type RegionRun,
  shownRegion,
  shownStatus,
} from "../lib/monitor_status.ts";
import { regionState } from "../lib/live_status.ts";
import { StatusBadge, StatusDot } from "../components/status.tsx";
import { Time } from "../components/time.tsx";
import { formatMs } from "../lib/time_format.ts";

export interface RegionView {
  region: string;
  run: RegionRun | null;
  latest: {
    outcome: "up" | "down";
    scheduledAt: number;
    checkedAt: number;
    responseMs: number;
    httpStatus: number;
    /** Up, but slower than the monitor's degraded threshold. */
    degraded?: boolean;
  } | null;
}

/** Live results kept for the recent-checks list, newest first. */
export const FEED_LIMIT = 100;

export default function MonitorStatus(props: {
  websiteId: string;
  active: boolean;
  intervalSeconds: number;
  regions: RegionView[];
  feed: Signal<LiveResult[]>;
  connection: Signal<LiveState | "off">;
  /** False for a heartbeat monitor: its results have no response time. */
  timed?: boolean;
}) {
  const [regions, setRegions] = useState(props.regions);
  const [announcement, setAnnouncement] = useState("");
  const state = monitorState(regions, props.active, props.intervalSeconds);
  const slow = regions.filter((view) =>
    shownRegion(regionState(view.latest, props.intervalSeconds), view.latest?.degraded) ===
      "degraded"
  );
  const shown = shownStatus(state.status, slow.length > 0);
  const previous = useRef(shown);

  useEffect(() => {
    const live = connectLive({
      websiteIds: [props.websiteId],
      // "Live" once the server confirms the subscription: results flow from then on.
      onStateChange: (next) => props.connection.value = next === "open" ? "connecting" : next,
      onSubscribed: () => props.connection.value = "open",
      onResult(result) {
        if (result.websiteId !== props.websiteId) return;
        props.feed.value = [result, ...props.feed.value].slice(0, FEED_LIMIT);
        setRegions((views) => withResult(views, result));
      },
    });
    props.connection.value = live.state === "closed" ? "closed" : "connecting";
    return () => live.close();
  }, [props.websiteId]);

  useEffect(() => {
    if (previous.current === shown) return;
    previous.current = shown;
    const down = regions.filter((view) => view.run?.outcome === "down").map((v) => v.region);
    const where = down.length
      ? ` (failing in ${down.join(", ")})`
      : slow.length
      ? ` (slow in ${slow.map((v) => v.region).join(", ")})`
      : "";
    setAnnouncement(`Monitor is now ${shown}${where}.`);
  }, [shown]);

  return (
    <div>
      <div class="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span class="text-base" data-monitor-status={shown}>
          <StatusBadge status={shown} />
        </span>
        <span class="text-sm text-slate-700 dark:text-slate-300">
          {shown !== state.status
            ? `Up, but slower than its degraded threshold in ${
              slow.map((view) => view.region).join(", ")
            }.`
            : state.since !== null
            ? (
              <>
                since <Time at={state.since} /> (<Time at={state.since} relative />)
              </>
            )
            : state.status === "paused"
            ? "Checks are paused."
            : regions.some((view) => view.latest)
            ? "No recent results from any region."
            : props.timed === false
            ? "Waiting for the first beat."
            : "Waiting for the first check."}
        </span>
        <LiveIndicator connection={props.connection} />
      </div>
      <h2 class="sr-only">Regions</h2>
      <ul class="mt-4 grid gap-2 sm:grid-cols-2 lg:grid-cols-3">
        {regions.map((view) => (
          <RegionItem
            key={view.region}
            view={view}
            intervalSeconds={props.intervalSeconds}
            timed={props.timed ?? true}
            paused={!props.active}
          />
        ))}
      </ul>
      <p class="sr-only" aria-live="polite" data-announcement>{announcement}</p>
    </div>
  );
}

function withResult(views: RegionView[], result: LiveResult): RegionView[] {
  const index = views.findIndex((view) => view.region === result.region);
  const view: RegionView = index === -1
    ? { region: result.region, run: null, latest: null }
    : views[index];
  // A late redelivery of an older slot changes nothing shown here.
  if (view.latest && view.latest.scheduledAt > result.scheduledAt) return views;
  const next: RegionView = {
    region: view.region,
    run: nextRun(view.run ?? undefined, result),
    latest: {
      outcome: result.outcome,
      scheduledAt: result.scheduledAt,
      checkedAt: result.checkedAt,
      responseMs: result.responseMs,
      httpStatus: result.httpStatus,
      degraded: result.degraded ?? false,
    },
  };
  return index === -1 ? [...views, next] : views.map((v, i) => i === index ? next : v);
}

/** `paused`: the monitor's checks are paused; its regions' last results are history. */
function RegionItem(
  props: { view: RegionView; intervalSeconds: number; timed: boolean; paused: boolean },
) {
  const { region, latest } = props.view;
  const status = props.paused
    ? "paused"
    : shownRegion(regionState(latest, props.intervalSeconds), latest?.degraded);
  const noun = props.timed ? "checks" : "beats";
  // A heartbeat is reported to us, from no region of ours: its one chip is its last beat.
  const name = props.timed ? region : "Last beat";
  const words = status === "nodata"
    ? latest ? `no recent ${noun}` : `no ${noun} yet`
    : status === "degraded"
    ? "up, slower than the degraded threshold"
    : status === "paused"
    ? `paused${latest ? `, last ${props.timed ? "check" : "beat"} ${latest.outcome}` : ""}`
    : status;
  return (
    <li
      class="flex items-center gap-2 rounded-md border border-slate-200 px-3 py-2 text-sm dark:border-slate-700"
      data-region={region}
    >
      <StatusDot
        status={status}
        label={`${name}: ${words}`}
      />
      <span class={props.timed ? "font-mono font-medium" : "font-medium"}>{name}</span>
      <span class="ml-auto whitespace-nowrap tabular-nums text-slate-700 dark:text-slate-300">
        {latest
          ? (
            <>
              {props.timed && `${formatMs(latest.responseMs)} · `}
              <Time at={latest.checkedAt} relative />
            </>
          )
          : `no ${noun} yet`}
      </span>
    </li>
  );
}

function LiveIndicator(props: { connection: Signal<LiveState | "off"> }) {
  const state = props.connection.value;
  if (state === "off") return null;
  const text = state === "open" ? "Live" : state === "connecting" ? "Connecting…" : "Not live";
  return (
    <span
      class="ml-auto inline-flex items-center gap-1.5 text-xs text-slate-600 dark:text-slate-400"
      data-live-state={state}
    >
      <span
        class={`inline-block h-2 w-2 rounded-full ${
          state === "open" ? "bg-sky-500" : "bg-slate-400 dark:bg-slate-500"
        }`}
        aria-hidden="true"
      />
      {text}
    </span>
  );
}
