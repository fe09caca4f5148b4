/**
 * The live state of one public status page in the browser: one socket following the page
 * by slug, each monitor's latest state per region, and the statuses derived from them
 * with the server's rules (`lib/page_status.ts`). The page's islands read its signals;
 * the first island to start it opens the socket. A region that stops reporting turns to
 * "no data" after three intervals here too, and a maintenance window starts and ends,
 * without a reload.
 */
import { signal } from "@preact/signals";
import { connectLive, type LiveState } from "./client.ts";
import {
  type MonitorStatus,
  monitorStatus,
  type PageStatus,
  pageStatus,
  type RegionState,
  regionState,
} from "../../lib/page_status.ts";
import { inWindow, type MaintenanceWindow } from "../../lib/maintenance_window.ts";

/** What the server rendered for one monitor: enough to go on from. */
export interface MonitorSeed {
  id: string;
  intervalMs: number;
  /** Paused by its owner: it stays so until the page is loaded again. */
  paused: boolean;
  /** Its maintenance windows (epoch ms): under maintenance while one lasts. */
  maintenance: MaintenanceWindow[];
  regions: { region: string; state: RegionState; slow: boolean; checkedAt: number | null }[];
}

export const monitorStatuses = signal<Record<string, MonitorStatus>>({});
export const monitorRegions = signal<
  Record<string, { region: string; state: RegionState; slow: boolean }[]>
>({});
export const livePageStatus = signal<PageStatus | null>(null);
/** Epoch ms of the newest figure on the page. */
export const pageUpdatedAt = signal<number | null>(null);
export const connection = signal<LiveState>("connecting");

let started = false;
let reloading = false;

/**
 * `reloadAfterMs`: how long after a `page-changed` the page loads itself again (a little
 * more, at random, so that its visitors do not all come at once): long enough for every
 * web machine's cache to have let the old figures go.
 */
export function startStatusPageLive(
  slug: string,
  seeds: MonitorSeed[],
  updatedAt: number,
  reloadAfterMs: number,
): void {
  if (started || typeof WebSocket === "undefined") return;
  started = true;
  const latest = new Map(seeds.map((seed) => [
    seed.id,
    {
      intervalMs: seed.intervalMs,
      paused: seed.paused,
      maintenance: seed.maintenance,
      regions: new Map(seed.regions.map((r) => [
        r.region,
        r.state === "nodata"
          ? null
          : { outcome: r.state, slow: r.slow, checkedAt: r.checkedAt ?? 0 },
      ])),
    },
  ]));
  pageUpdatedAt.value = updatedAt;

  const recompute = () => {
    const now = Date.now();
    const statuses: Record<string, MonitorStatus> = {};
    const regions: Record<string, { region: string; state: RegionState; slow: boolean }[]> = {};
    for (const [id, monitor] of latest) {
      regions[id] = [...monitor.regions].map(([region, result]) => ({
        region,
        state: regionState(result, monitor.intervalMs / 1000, now),
        slow: result?.slow ?? false,
      }));
      statuses[id] = monitor.paused
        ? "paused"
        : inWindow(monitor.maintenance, now)
        ? "maintenance"
        : monitorStatus(regions[id]);
    }
    monitorRegions.value = regions;
    monitorStatuses.value = statuses;
    livePageStatus.value = pageStatus(Object.values(statuses));
  };
  recompute();
  setInterval(recompute, 15_000);

  connectLive({
    statusPage: slug,
    onPageResult(result) {
      const monitor = latest.get(result.websiteId);
      // Only the regions the page shows; a region the monitor no longer uses is ignored.
      if (!monitor?.regions.has(result.region)) return;
      const current = monitor.regions.get(result.region);
      if (current && current.checkedAt > result.checkedAt) return;
      monitor.regions.set(result.region, {
        outcome: result.outcome,
        slow: result.degraded,
        checkedAt: result.checkedAt,
      });
      pageUpdatedAt.value = Math.max(pageUpdatedAt.value ?? 0, result.checkedAt);
      recompute();
    },
    onPageChanged() {
      if (reloading) return;
      reloading = true;
      setTimeout(() => location.reload(), reloadAfterMs + Math.random() * 5_000);
    },
    onStateChange(state) {
      connection.value = state;
    },
  });
}
