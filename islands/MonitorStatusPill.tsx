/**
 * One monitor's current status on the public page, kept live by the page's socket; its
 * tooltip names each region's state.
 */
import type { MonitorStatus, RegionState } from "../lib/page_status.ts";
import { monitorRegions, monitorStatuses } from "../web/live/status_page_store.ts";
import { MONITOR_PILL, MONITOR_STATUS_TEXT } from "../lib/status_page_style.ts";

interface Props {
  id: string;
  status: MonitorStatus;
  regions: { region: string; state: RegionState; slow: boolean }[];
}

export default function MonitorStatusPill(props: Props) {
  const status = monitorStatuses.value[props.id] ?? props.status;
  const regions = monitorRegions.value[props.id] ?? props.regions;
  const detail = regions.map((r) =>
    `${r.region}: ${
      r.state === "nodata" ? "no data" : r.state === "up" && r.slow ? "slow" : r.state
    }`
  ).join(", ");
  return (
    <span
      data-status={status}
      title={detail || undefined}
      class={`shrink-0 rounded-full px-2.5 py-0.5 text-xs font-semibold ${MONITOR_PILL[status]}`}
    >
      {MONITOR_STATUS_TEXT[status]}
      {detail && <span class="sr-only">{` (${detail})`}</span>}
    </span>
  );
}
