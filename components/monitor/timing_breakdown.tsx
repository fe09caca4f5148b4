/**
 * Where the time goes, per region: a stacked bar of the median phases (DNS, connect, TLS,
 * time to first byte) and a table of p50 / p95 per phase (a list per region on narrow
 * screens). Server-rendered; colour is never the only signal (each segment has a title
 * and the table says the same).
 */
import { formatMs } from "../../lib/time_format.ts";
import type { Phase, WebsiteTimings } from "../../services/websites/timings.ts";

const STACKED: { phase: Exclude<Phase, "total">; label: string; color: string }[] = [
  { phase: "dns", label: "DNS", color: "bg-violet-500" },
  { phase: "connect", label: "Connect", color: "bg-sky-500" },
  { phase: "tls", label: "TLS", color: "bg-teal-500" },
  { phase: "ttfb", label: "First byte", color: "bg-amber-500" },
];

/** Every phase the table gives, the total last. */
const PHASES: { phase: Phase; label: string }[] = [...STACKED, { phase: "total", label: "Total" }];

// Whole percent steps, spelled out so the styles are generated at render time.
const WIDTH = Array.from({ length: 101 }, (_, i) => `w-[${i}%]`);

export function TimingBreakdown(props: { timings: WebsiteTimings }) {
  const { regions } = props.timings;
  if (!regions.length) {
    return (
      <p class="py-6 text-center text-sm text-slate-600 dark:text-slate-400">
        No answered checks in this range yet.
      </p>
    );
  }
  return (
    <div class="space-y-4" data-timings>
      <ul class="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600 dark:text-slate-400">
        {STACKED.map((part) => (
          <li key={part.phase} class="inline-flex items-center gap-1">
            <span class={`inline-block h-2 w-3 rounded-sm ${part.color}`} aria-hidden="true" />
            {part.label}
          </li>
        ))}
      </ul>
      {regions.map((region) => {
        const total = STACKED.reduce((sum, part) => sum + region.phases[part.phase].p50, 0);
        return (
          <div key={region.region} data-region={region.region}>
            <p class="mb-1 text-xs font-medium">
              <span class="font-mono">{region.region}</span>{" "}
              <span class="text-slate-600 dark:text-slate-400">
                median {formatMs(region.phases.total.p50)}
              </span>
            </p>
            {total === 0
              ? (
                // Phases are timed in whole milliseconds: a bar of zeros would be empty.
                <p class="text-xs text-slate-600 dark:text-slate-400" data-under-a-ms>
                  Each phase's median is under 1 ms.
                </p>
              )
              : (
                <div class="flex h-3 w-full overflow-hidden rounded bg-slate-100 dark:bg-slate-700">
                  {STACKED.map((part) => {
                    const ms = region.phases[part.phase].p50;
                    const percent = Math.round((ms / total) * 100);
                    return percent > 0 && (
                      <span
                        key={part.phase}
                        class={`h-3 ${WIDTH[percent]} ${part.color}`}
                        title={`${part.label}: ${formatMs(ms)}`}
                      />
                    );
                  })}
                </div>
              )}
          </div>
        );
      })}
      {/* Narrow screens: each region's phases as a list, instead of a table to scroll. */}
      <div class="space-y-3 sm:hidden">
        {regions.map((region) => (
          <div key={region.region} data-phases-list={region.region}>
            <p class="font-mono text-sm">{region.region}</p>
            <dl class="mt-1 space-y-1 text-sm">
              {PHASES.map(({ phase, label }) => (
                <div key={phase} class="flex justify-between gap-2">
                  <dt class="text-slate-600 dark:text-slate-400">{label}</dt>
                  <dd class="whitespace-nowrap tabular-nums">
                    <PercentilePair p50={region.phases[phase].p50} p95={region.phases[phase].p95} />
                  </dd>
                </div>
              ))}
            </dl>
          </div>
        ))}
        <p class="text-xs text-slate-600 dark:text-slate-400">p50 / p95 of each phase.</p>
      </div>
      <div class="hidden overflow-x-auto sm:block">
        <table class="w-full min-w-[32rem] text-left text-sm">
          <caption class="sr-only">p50 and p95 of each phase, per region</caption>
          <thead class="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600 dark:border-slate-700 dark:text-slate-400">
            <tr>
              <th scope="col" class="py-2 pr-4 font-semibold">Region</th>
              {STACKED.map((part) => (
                <th key={part.phase} scope="col" class="py-2 pr-4 text-right font-semibold">
                  {part.label}
                </th>
              ))}
              <th scope="col" class="py-2 text-right font-semibold">Total</th>
            </tr>
          </thead>
          <tbody class="divide-y divide-slate-100 dark:divide-slate-700">
            {regions.map((region) => (
              <tr key={region.region} data-phases={region.region}>
                <th scope="row" class="py-2 pr-4 font-mono font-normal">{region.region}</th>
                {PHASES.map(({ phase }) => (
                  <td key={phase} class="whitespace-nowrap py-2 pr-4 text-right tabular-nums">
                    <PercentilePair p50={region.phases[phase].p50} p95={region.phases[phase].p95} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <p class="mt-2 text-xs text-slate-600 dark:text-slate-400">p50 / p95 of each phase.</p>
      </div>
    </div>
  );
}

function PercentilePair(props: { p50: number; p95: number }) {
  return (
    <>
      {formatMs(props.p50)}{" "}
      <span class="text-slate-500 dark:text-slate-400">/ {formatMs(props.p95)}</span>
    </>
  );
}

/** The certificate warning of a monitor, or null when there is nothing to say. */
export function certificateWarning(
  timings: WebsiteTimings | null,
  warnDays: number,
): string | null {
  const days = timings?.certDaysLeft;
  if (days === null || days === undefined || days > warnDays) return null;
  if (days < 0) return "The TLS certificate has expired.";
  return `The TLS certificate expires in ${days} day${days === 1 ? "" : "s"} ` +
    `(you are warned ${warnDays} days ahead). Renew it before it does.`;
}
