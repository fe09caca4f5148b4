/**
 * The public status page as a whole document (it must not depend on the dashboard's
 * `_app`). Everything is readable without JavaScript; two islands keep the banner and
 * each monitor's status live.
 */
import {
  type PublicIncident,
  type PublicMonitor,
  type PublicStatusPage,
  sectionGroups,
  statusHeading,
} from "../../../services/status_pages/public.ts";
import StatusPageBanner from "../../../islands/StatusPageBanner.tsx";
import MonitorStatusPill from "../../../islands/MonitorStatusPill.tsx";
import StatusPageMaintenance from "../../../islands/StatusPageMaintenance.tsx";
import DayBars, { type DayCounts } from "../../../islands/DayBars.tsx";
import { SubscribeForm } from "./SubscriptionPage.tsx";
import type { PageMonitor } from "../../../services/subscribers/monitors.ts";
import { formatUptime, NARROW_DAYS, windowWords } from "../../../lib/uptime.ts";
import { UPDATE_STATUS_WORDS } from "../../../services/incidents/updates.ts";
import { formatUtc, PAGE_STATUS_TEXT, statusFavicon } from "../../../lib/status_page_style.ts";

export interface StatusPageViewProps {
  page: PublicStatusPage;
  /** Where the page's own links start: `/status/<slug>` on the app's host, `` on its domain. */
  base: string;
  /** The page's absolute URL, for Open Graph. */
  pageUrl: string;
  /** After a change other than a result, when an open page loads itself again. */
  reloadAfterMs: number;
}

export function StatusPageView({ page, base, pageUrl, reloadAfterMs }: StatusPageViewProps) {
  const description = `${PAGE_STATUS_TEXT[page.overall]}: live status and 90-day uptime of ${
    page.monitors.length === 1 ? "1 monitor" : `${page.monitors.length} monitors`
  } on ${statusHeading(page.title)}.`;
  // What is going on now comes first, with what the owner said about it.
  const ongoing = page.incidents.filter((incident) => incident.resolvedAt === null);
  const past = page.incidents.filter((incident) => incident.resolvedAt !== null);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{statusHeading(page.title)}</title>
        {page.private && <meta name="robots" content="noindex" />}
        <meta name="description" content={description} />
        <meta name="color-scheme" content="light dark" />
        <meta property="og:type" content="website" />
        <meta property="og:title" content={statusHeading(page.title)} />
        <meta property="og:description" content={description} />
        <meta property="og:url" content={pageUrl} />
        <meta name="twitter:card" content="summary" />
        <link rel="icon" href={statusFavicon(page.overall)} type="image/svg+xml" />
        <link
          rel="alternate"
          type="application/atom+xml"
          title="Incidents"
          href={`${base}/feed.atom`}
        />
      </head>
      <body class="min-h-screen bg-slate-50 text-slate-900 antialiased dark:bg-slate-900 dark:text-slate-100">
        <main class="mx-auto max-w-3xl px-4 py-8 sm:px-6 sm:py-12">
          <header class="mb-6">
            <div class="flex flex-wrap items-end justify-between gap-x-4 gap-y-3">
              <div class="min-w-0">
                {page.logo && (
                  <img
                    src={`${base}/logo?v=${page.logo}`}
                    alt={`${page.title} logo`}
                    class="mb-4 h-12 w-auto max-w-[14rem] object-contain object-left dark:rounded-md dark:bg-white dark:p-1.5"
                  />
                )}
                <p class="text-sm font-medium text-slate-600 dark:text-slate-400">Status</p>
                <h1 class="mt-1 break-words text-3xl font-bold tracking-tight">{page.title}</h1>
              </div>
              {(page.homepageUrl || page.subscribe) && (
                <div class="flex flex-wrap gap-2">
                  {page.homepageUrl && (
                    <a href={page.homepageUrl} rel="noopener" class={HEADER_LINK}>
                      Visit {new URL(page.homepageUrl).host}
                    </a>
                  )}
                  {page.subscribe && (
                    <a href="#subscribe-heading" class={HEADER_LINK}>Subscribe to updates</a>
                  )}
                </div>
              )}
            </div>
            {page.description && (
              <p class="mt-3 whitespace-pre-line break-words text-slate-700 dark:text-slate-300">
                {page.description}
              </p>
            )}
          </header>
          <StatusPageBanner
            slug={page.slug}
            overall={page.overall}
            updatedAt={page.updatedAt}
            reloadAfterMs={reloadAfterMs}
            monitors={page.monitors.map((m) => ({
              id: m.id,
              intervalMs: m.intervalMs,
              paused: m.status === "paused",
              maintenance: m.maintenance,
              regions: m.regions,
            }))}
          />

          {ongoing.length > 0 && (
            <section aria-labelledby="ongoing-heading" class="mt-6">
              <h2 id="ongoing-heading" class="text-lg font-semibold">Ongoing incidents</h2>
              <ul class="mt-3 space-y-3">
                {ongoing.map((incident) => (
                  <IncidentItem key={incident.id} incident={incident} ongoing />
                ))}
              </ul>
            </section>
          )}

          {page.maintenances.length > 0 && (
            <StatusPageMaintenance windows={page.maintenances} renderedAt={page.updatedAt} />
          )}

          <section aria-labelledby="monitors-heading" class="mt-8">
            <h2 id="monitors-heading" class="text-lg font-semibold">Monitors</h2>
            {page.monitors.length
              ? sectionGroups(page.monitors).map(({ heading, monitors }, index) => {
                const list = (
                  <ul class="mt-3 divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white dark:divide-slate-700 dark:border-slate-700 dark:bg-slate-800">
                    {monitors.map((monitor) => (
                      <MonitorRow
                        key={monitor.id}
                        monitor={monitor}
                        incidents={page.incidents.filter((i) => i.monitorId === monitor.id)}
                        sectioned={heading !== ""}
                      />
                    ))}
                  </ul>
                );
                return heading
                  ? (
                    <section
                      key={index}
                      aria-labelledby={`section-${index}`}
                      class="mt-6"
                      data-section
                    >
                      <h3
                        id={`section-${index}`}
                        class="break-words text-base font-semibold text-slate-800 dark:text-slate-200"
                      >
                        {heading}
                      </h3>
                      {list}
                    </section>
                  )
                  : <div key={index}>{list}</div>;
              })
              : (
                <p class="mt-3 rounded-xl border border-slate-200 bg-white p-5 text-slate-700 dark:border-slate-700 dark:bg-slate-800 dark:text-slate-300">
                  This page does not show any monitors yet.
                </p>
              )}
          </section>

          <section aria-labelledby="incidents-heading" class="mt-8">
            <h2 id="incidents-heading" class="text-lg font-semibold">Incidents</h2>
            {past.length
              ? (
                <ul class="mt-3 space-y-3">
                  {past.map((incident) => <IncidentItem key={incident.id} incident={incident} />)}
                </ul>
              )
              : (
                <p class="mt-3 rounded-xl border border-slate-200 bg-white p-5 text-slate-700 dark:border-slate-700 dark:bg-slate-800 dark:text-slate-300">
                  {ongoing.length
                    ? "No other incidents in the last 90 days."
                    : "No incidents in the last 90 days."}
                </p>
              )}
          </section>

          {page.subscribe && (
            <SubscribeSection
              base={base}
              monitors={page.monitors.map(({ id, name, section }) => ({ id, name, section }))}
            />
          )}

          <footer class="mt-10 flex flex-wrap items-center justify-between gap-3 text-sm text-slate-600 dark:text-slate-400">
            <p>
              Figures as of{" "}
              <time dateTime={new Date(page.updatedAt).toISOString()}>
                {formatUtc(page.updatedAt)}
              </time>
            </p>
            <p class="flex gap-4">
              <a
                class="underline hover:text-slate-900 dark:hover:text-white"
                href={`${base}/badge.svg`}
              >
                Status badge
              </a>
              <a
                class="underline hover:text-slate-900 dark:hover:text-white"
                href={`${base}/feed.atom`}
              >
                Incident feed (Atom)
              </a>
            </p>
          </footer>
        </main>
      </body>
    </html>
  );
}

/**
 * "Get updates by email": a form that posts without JavaScript. The page is rendered once
 * for every visitor, so it holds nothing of anyone's; the answer is a page of its own.
 */
function SubscribeSection({ base, monitors }: { base: string; monitors: PageMonitor[] }) {
  return (
    <section
      aria-labelledby="subscribe-heading"
      class="mt-8 rounded-xl border border-slate-200 bg-white p-5 dark:border-slate-700 dark:bg-slate-800"
    >
      <h2 id="subscribe-heading" class="text-lg font-semibold">Get updates by email</h2>
      <p class="mt-1 text-sm text-slate-700 dark:text-slate-300">
        We email you when a monitor on this page goes down, comes back up, or its incident has an
        update, and about planned maintenance. Every email has a link to manage or end the
        subscription.
      </p>
      <SubscribeForm action={`${base}/subscribe`} monitors={monitors} />
    </section>
  );
}

/** Why bars have no uptime: nothing checked yet, or only under maintenance. */
function noUptime(bars: PublicMonitor["bars"]): string {
  return bars.some((bar) => bar.maintenance) ? "Under maintenance" : "No checks yet";
}

/** An incident with the owner's updates under it, newest first. */
function IncidentItem({ incident, ongoing }: { incident: PublicIncident; ongoing?: boolean }) {
  return (
    <li
      class={`rounded-xl border bg-white p-4 dark:bg-slate-800 ${
        ongoing ? "border-rose-300 dark:border-rose-800" : "border-slate-200 dark:border-slate-700"
      }`}
      id={`incident-${incident.id}`}
      data-incident={incident.id}
    >
      <p class="font-medium break-words">{incident.title}</p>
      <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
        {formatUtc(incident.startedAt)} —{" "}
        {incident.resolvedAt ? formatUtc(incident.resolvedAt) : "ongoing"}
      </p>
      {incident.updates.length > 0 && (
        <ol
          class="mt-3 space-y-3 border-l-2 border-slate-200 pl-4 dark:border-slate-600"
          aria-label="Updates, newest first"
        >
          {incident.updates.map((update) => (
            <li data-update>
              <p class="text-sm">
                <span class="font-semibold">
                  {UPDATE_STATUS_WORDS[update.status]}
                </span>
                <span class="text-slate-600 dark:text-slate-400">
                  {" · "}
                  <time dateTime={new Date(update.createdAt).toISOString()}>
                    {formatUtc(update.createdAt)}
                  </time>
                </span>
              </p>
              <p class="mt-1 whitespace-pre-line break-words text-sm text-slate-800 dark:text-slate-200">
                {update.message}
              </p>
            </li>
          ))}
        </ol>
      )}
    </li>
  );
}

function MonitorRow(
  { monitor, incidents, sectioned }: {
    monitor: PublicMonitor;
    incidents: PublicIncident[];
    /** Under a section's heading (an h3): its name is a level below. */
    sectioned: boolean;
  },
) {
  const Name = sectioned ? "h4" : "h3";
  // The bars' shared look is one rule on their row, not a class list per bar (20 monitors'
  // 1,800 bars were most of the page); narrow screens hide all but the last 30 days.
  const narrowFrom = monitor.bars.length - NARROW_DAYS;
  return (
    <li class="p-4 sm:p-5" data-monitor={monitor.id}>
      {/* On a phone a long name or URL gets the row; the status goes under it. */}
      <div class="flex flex-col items-start gap-1 sm:flex-row sm:justify-between sm:gap-3">
        <div class="min-w-0 max-w-full">
          <Name class="break-words font-medium">{monitor.name}</Name>
          {monitor.url && (
            <p class="truncate text-sm text-slate-600 dark:text-slate-400">{monitor.url}</p>
          )}
        </div>
        <MonitorStatusPill id={monitor.id} status={monitor.status} regions={monitor.regions} />
      </div>
      <div class="mt-3">
        <DayBars
          label={`Daily uptime of ${monitor.name}, last 90 days: ${
            formatUptime(monitor.uptime90d)
          }`}
          firstDay={monitor.bars[0].at}
          days={monitor.bars.map((bar): DayCounts => [bar.checks, bar.up, bar.maintenance])}
          incidents={incidents.map(({ id, startedAt, resolvedAt }) => ({
            id,
            startedAt,
            resolvedAt,
          }))}
          rowClass={`flex h-8 gap-px [&>*]:flex-1 [&>*]:rounded-sm ${
            narrowFrom > 0
              ? `[&>:nth-child(-n+${narrowFrom})]:hidden sm:[&>:nth-child(-n+${narrowFrom})]:block`
              : ""
          }`}
        />
      </div>
      <div
        class="mt-1 flex justify-between gap-2 text-xs text-slate-600 dark:text-slate-400"
        data-bar-labels
      >
        <span class="hidden sm:inline">90 days ago</span>
        <span class="sm:hidden">{NARROW_DAYS} days ago</span>
        <span class="hidden sm:inline">
          {monitor.uptime90d === null
            ? noUptime(monitor.bars)
            : `${formatUptime(monitor.uptime90d)} uptime ${windowWords(monitor.bars)}`}
        </span>
        <span class="sm:hidden">
          {monitor.uptime30d === null
            ? noUptime(monitor.bars.slice(-NARROW_DAYS))
            : `${formatUptime(monitor.uptime30d)} uptime ${
              windowWords(monitor.bars.slice(-NARROW_DAYS))
            }`}
        </span>
        <span>Today</span>
      </div>
    </li>
  );
}

const HEADER_LINK =
  "rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-white dark:border-slate-600 dark:hover:bg-slate-800";

/** The page for a slug nobody has: a whole document too, with a 404. */
export function StatusPageNotFound() {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Status page not found</title>
        <link rel="icon" href={statusFavicon("nodata")} type="image/svg+xml" />
      </head>
      <body class="min-h-screen bg-slate-50 text-slate-900 dark:bg-slate-900 dark:text-slate-100">
        <main class="mx-auto max-w-lg px-6 py-24 text-center">
          <h1 class="text-2xl font-bold">Status page not found</h1>
          <p class="mt-3 text-slate-700 dark:text-slate-300">
            There is no status page at this address. Check the link you followed.
          </p>
        </main>
      </body>
    </html>
  );
}
