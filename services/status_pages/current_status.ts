/**
 * A monitor's current status on the public page, from the latest result per region in
 * Redis. A region whose newest result is older than three check intervals counts as no
 * data (the live hash keeps a region's last result forever), and only the website's own
 * regions count: one it no longer uses keeps its last result in Redis too.
 */
import type { Services } from "../context.ts";
import { liveResultFields, parseLiveJson } from "../../lib/live_result.ts";
import { storedLiveStatuses } from "../live_status/read.ts";
import {
  type MonitorStatus,
  monitorStatus,
  type RegionState,
  regionState,
} from "../../lib/page_status.ts";

/** What the page shows of one region: its state, whether it was slow, when it last reported. */
export interface PublicRegion {
  region: string;
  state: RegionState;
  /** Up but slower than the monitor's degraded threshold at its latest check. */
  slow: boolean;
  /** Epoch ms of the newest result, also when it is too old to count; null without one. */
  checkedAt: number | null;
}

export interface CurrentStatus {
  status: MonitorStatus;
  regions: PublicRegion[];
}

const shownFields = liveResultFields("outcome", "checkedAt", "degraded");

export async function currentStatuses(
  services: Services,
  websites: { id: string; regions: string[]; intervalMs: number; active: boolean }[],
  now = Date.now(),
): Promise<Map<string, CurrentStatus>> {
  const statuses = new Map<string, CurrentStatus>();
  if (!websites.length) return statuses;
  const hashes = await storedLiveStatuses(
    services.redis,
    services.keys,
    websites.map((website) => website.id),
  );
  websites.forEach((website, i) => {
    const stored = hashes[i] ?? {};
    const regions = [...website.regions].sort().map((region): PublicRegion => {
      const latest = parseLiveJson(stored[region], shownFields);
      return {
        region,
        // A paused monitor has no current status, whatever its last result was.
        state: website.active ? regionState(latest, website.intervalMs / 1000, now) : "nodata",
        slow: latest?.degraded ?? false,
        checkedAt: latest?.checkedAt ?? null,
      };
    });
    statuses.set(website.id, {
      status: website.active ? monitorStatus(regions) : "paused",
      regions,
    });
  });
  return statuses;
}
