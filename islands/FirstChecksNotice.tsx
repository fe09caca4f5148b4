/**
 * A monitor page rendered before any check of its range shows empty figures, which are
 * computed on the server. Once a check of the range arrives live, this says so and links
 * to the figures. Rendered hidden on the server, so the page's CSS covers it.
 */
import type { Signal } from "@preact/signals";
import type { LiveResult } from "../web/live/client.ts";
import { LINK, Notice } from "../components/ui.tsx";

export default function FirstChecksNotice(
  props: { feed: Signal<LiveResult[]>; from: number; href: string; noun?: "check" | "beat" },
) {
  const arrived = props.feed.value.some((result) => result.checkedAt >= props.from);
  return (
    <div hidden={!arrived} data-first-checks>
      <Notice kind="info" class="mt-4">
        The first {props.noun ?? "check"}s are in.{" "}
        <a href={props.href} class={LINK}>Show the figures</a>
      </Notice>
    </div>
  );
}
