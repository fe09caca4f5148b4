/**
 * The public status page's overall banner and "last updated" time, kept live: it starts
 * the page's socket (web/live/status_page_store.ts) and shows what the server rendered
 * until the first update.
 */
import { useEffect } from "preact/hooks";
import type { PageStatus } from "../lib/page_status.ts";
import {
  connection,
  livePageStatus,
  type MonitorSeed,
  pageUpdatedAt,
  startStatusPageLive,
} from "../web/live/status_page_store.ts";
import {
  formatUtc,
  OVERALL_BANNER,
  PAGE_STATUS_TEXT,
  statusFavicon,
} from "../lib/status_page_style.ts";

interface Props {
  slug: string;
  overall: PageStatus;
  updatedAt: number;
  monitors: MonitorSeed[];
  /** After a change other than a result (maintenance), the page loads itself again then. */
  reloadAfterMs: number;
}

export default function StatusPageBanner(props: Props) {
  useEffect(
    () => startStatusPageLive(props.slug, props.monitors, props.updatedAt, props.reloadAfterMs),
    [],
  );
  const overall = livePageStatus.value ?? props.overall;
  const updatedAt = pageUpdatedAt.value ?? props.updatedAt;
  // The tab's dot follows the banner, for a page watched from another tab.
  useEffect(() => {
    document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.setAttribute(
      "href",
      statusFavicon(overall),
    );
  }, [overall]);
  return (
    <section
      aria-live="polite"
      data-overall={overall}
      class={`rounded-xl px-5 py-4 shadow-sm ${OVERALL_BANNER[overall]}`}
    >
      <p class="text-lg font-semibold" data-testid="overall-status">
        {PAGE_STATUS_TEXT[overall]}
      </p>
      <p class="mt-1 text-sm opacity-90">
        Last updated{" "}
        <time dateTime={new Date(updatedAt).toISOString()}>{formatUtc(updatedAt)}</time>
        {connection.value === "open" ? " · live" : ""}
      </p>
    </section>
  );
}
