/**
 * A monitor page's incidents and figures are computed on the server, when it loads. Once a
 * result arrives live that changes a region's state as the page showed it (a check failed
 * in a region that was up, or a region that was down passed), this says so above them and
 * links to the page loaded again. Rendered hidden on the server, so the page's CSS covers
 * it; a region without results then is left to FirstChecksNotice.
 */
import type { Signal } from "@preact/signals";
import type { LiveResult } from "../web/live/client.ts";
import { LINK, Notice } from "../components/ui.tsx";

export interface RenderedRegion {
  region: string;
  outcome: "up" | "down";
  checkedAt: number;
}

export default function StatusChangeNotice(
  props: {
    feed: Signal<LiveResult[]>;
    regions: RenderedRegion[];
    href: string;
    noun: "check" | "beat";
  },
) {
  const rendered = new Map(props.regions.map((view) => [view.region, view]));
  const failed = new Set<string>();
  const recovered = new Set<string>();
  for (const result of props.feed.value) {
    const shown = rendered.get(result.region);
    if (!shown || result.checkedAt <= shown.checkedAt || result.outcome === shown.outcome) continue;
    (result.outcome === "down" ? failed : recovered).add(result.region);
  }
  const sentences = [
    failed.size && `A ${props.noun} failed in ${[...failed].join(", ")}.`,
    recovered.size &&
    `${[...recovered].join(", ")} ${recovered.size === 1 ? "is" : "are"} passing again.`,
  ].filter(Boolean);
  return (
    <div hidden={!sentences.length} data-status-change>
      <Notice kind="warning" class="mt-4">
        Since this page loaded: {sentences.join(" ")}{" "}
        The incidents and figures below are from before.{" "}
        <a href={props.href} class={LINK}>Reload to see the changes</a>
      </Notice>
    </div>
  );
}
