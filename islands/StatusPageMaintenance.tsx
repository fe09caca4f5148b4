/**
 * The public page's maintenance in progress and to come, as Statuspage-style pages list it.
 * With JavaScript it follows the clock: a window that starts turns "In progress", one
 * that ends leaves the list (the monitors' statuses follow it in the page's store).
 */
import { useEffect, useState } from "preact/hooks";
import type { PublicMaintenance } from "../services/status_pages/public.ts";
import { formatUtc } from "../lib/status_page_style.ts";

interface Props {
  windows: PublicMaintenance[];
  /** When the server computed them (epoch ms): "now" until the browser has a clock. */
  renderedAt: number;
}

export default function StatusPageMaintenance(props: Props) {
  const [now, setNow] = useState(props.renderedAt);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  const windows = props.windows.filter((w) => w.endsAt > now);
  if (!windows.length) return null;
  return (
    <section aria-labelledby="maintenance-heading" class="mt-8">
      <h2 id="maintenance-heading" class="text-lg font-semibold">Maintenance</h2>
      <ul class="mt-3 space-y-3">
        {windows.map((window) => {
          const ongoing = window.startsAt <= now;
          return (
            <li
              key={window.id}
              class="rounded-xl border border-sky-200 bg-white p-4 dark:border-sky-800 dark:bg-slate-800"
            >
              <p class="flex flex-wrap items-baseline gap-x-3 gap-y-1">
                <span class="min-w-0 font-medium break-words">{window.title}</span>
                <span class="rounded-full bg-sky-100 px-2 py-0.5 text-xs font-semibold text-sky-900 dark:bg-sky-900 dark:text-sky-100">
                  {ongoing ? "In progress" : "Scheduled"}
                </span>
                {window.repeats && (
                  <span class="text-xs text-slate-600 dark:text-slate-400">
                    Repeats every {window.repeats}
                  </span>
                )}
              </p>
              <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                {ongoing ? "Until " : `${formatUtc(window.startsAt)} — `}
                {formatUtc(window.endsAt)}
              </p>
              {window.message && (
                <p class="mt-2 whitespace-pre-line break-words text-sm">{window.message}</p>
              )}
              <p class="mt-2 break-words text-sm text-slate-600 dark:text-slate-400">
                Affects: {window.monitors.join(", ")}
              </p>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
