/**
 * An ongoing incident's page, kept honest while it stays open: the checks that arrive after
 * the render are counted here (failed and passing), with a link that loads the page again
 * to show them and whatever they changed (a region recovered, the incident resolved).
 * Rendered hidden on the server; shown on the first new result.
 */
import { useEffect, useState } from "preact/hooks";
import { connectLive } from "../web/live/client.ts";
import { LINK, Notice } from "../components/ui.tsx";

interface Counts {
  failed: number;
  passed: number;
  /** Regions whose newest check passed. */
  passing: string[];
}

export default function IncidentLive(
  props: { websiteId: string; since: number; href: string },
) {
  const [counts, setCounts] = useState<Counts>({ failed: 0, passed: 0, passing: [] });
  useEffect(() => {
    // A check delivered twice is one check.
    const seen = new Set<string>();
    const live = connectLive({
      websiteIds: [props.websiteId],
      onResult(result) {
        const key = `${result.region}:${result.scheduledAt}`;
        // The latest result of each region comes first on subscribing: the page has it.
        if (result.checkedAt < props.since || seen.has(key)) return;
        seen.add(key);
        const up = result.outcome === "up";
        setCounts((now) => ({
          failed: now.failed + (up ? 0 : 1),
          passed: now.passed + (up ? 1 : 0),
          passing: up
            ? [...new Set([...now.passing, result.region])]
            : now.passing.filter((region) => region !== result.region),
        }));
      },
    });
    return () => live.close();
  }, [props.websiteId, props.since]);

  const parts = [
    counts.failed && `${counts.failed} failed ${counts.failed === 1 ? "check" : "checks"}`,
    counts.passed && `${counts.passed} passing`,
  ].filter(Boolean);
  return (
    <div hidden={!parts.length} data-incident-live>
      <Notice kind="info" class="mb-4">
        Since this page loaded: {parts.join(", ")}
        {counts.passing.length > 0 && ` (now passing in ${counts.passing.join(", ")})`}.{" "}
        <a href={props.href} class={LINK}>Reload to see them</a>
      </Notice>
    </div>
  );
}
