/**
 * The public view of a status page, for anyone with its slug (`statusPage.public`, the
 * page at `/status/<slug>`, its badge). It is built field by field from an allow-list:
 * nothing about the owner, and a monitor's URL or host only where the owner chose
 * `showUrl`. Computed at most once per `STATUS_PAGE_CACHE_MS` per page, however many
 * visitors ask (see {@link publicStatusPage}).
 */
import { targetHostname } from "../../lib/target_host.ts";
import { asc, eq } from "drizzle-orm";
import {
  statusPageLogos,
  statusPages,
  statusPageWebsites,
  websites,
} from "../../db/postgres/schema.ts";
import type { Services } from "../context.ts";
import { notFound } from "../errors.ts";
import { takesSubscriptions } from "./pages.ts";
import { monitorColumns } from "../websites/monitor_columns.ts";
import { currentStatuses, type PublicRegion } from "./current_status.ts";
import { dailyUptime } from "../uptime/daily_uptime.ts";
import { BAR_DAYS, type DailyBar, DAY_MS, NARROW_DAYS, windowUptime } from "../../lib/uptime.ts";
import { publicIncidents } from "../incidents/public.ts";
import type { UpdateStatus } from "../incidents/updates.ts";
import { type MonitorStatus, type PageStatus, pageStatus } from "../../lib/page_status.ts";
import { TtlCache } from "../../lib/ttl_cache.ts";
import { currentWindows, inWindowOf, listedWindows } from "../maintenance/current.ts";
import type { MaintenanceWindow } from "../../lib/maintenance_window.ts";

export interface PublicMonitor {
  /** The website id, so live updates (WebSocket) can find their row; grants nothing. */
  id: string;
  /** The owner's name for it, else its host where shown, else "Monitor <n>". */
  name: string;
  /** Only when the owner chose to show it. */
  url: string | null;
  /** The heading it is shown under ("API"); "" for none. */
  section: string;
  status: MonitorStatus;
  regions: PublicRegion[];
  /** How often it is checked: a region silent for three of these counts as no data. */
  intervalMs: number;
  /** Percent over the 90 days of bars; null without any check. */
  uptime90d: number | null;
  /** Over the last 30 bars, the ones a phone shows; null without any check there. */
  uptime30d: number | null;
  bars: DailyBar[];
  /** Its maintenance windows in progress or to come (epoch ms), for the live status. */
  maintenance: MaintenanceWindow[];
}

/** A maintenance window in progress or to come, with the page's monitors it covers. */
export interface PublicMaintenance {
  id: string;
  title: string;
  message: string;
  /** Epoch ms. */
  startsAt: number;
  /** Epoch ms. */
  endsAt: number;
  /** The monitors' names, as the page names them, in its order. */
  monitors: string[];
  /** It is one of a window repeating every day or week (the next is listed once it is due). */
  repeats: "day" | "week" | null;
}

/** An incident as the public page shows it. */
export interface PublicIncident {
  id: string;
  /** The monitor it hit (the page's monitors carry the same id). */
  monitorId: string;
  title: string;
  /** Epoch ms. */
  startedAt: number;
  /** Epoch ms; null while it lasts. */
  resolvedAt: number | null;
  /** What the owner said about it, newest first. */
  updates: { status: UpdateStatus; message: string; createdAt: number }[];
}

export interface PublicStatusPage {
  slug: string;
  title: string;
  /** Plain text under the title; "" for none. */
  description: string;
  /** The owner's own site; null for none. */
  homepageUrl: string | null;
  /** The logo's version (`<page>/logo?v=…`); null without one. */
  logo: string | null;
  overall: PageStatus;
  monitors: PublicMonitor[];
  /** Maintenance in progress, then to come, soonest first. */
  maintenances: PublicMaintenance[];
  /** Whether visitors may subscribe to its incidents by email. */
  subscribe: boolean;
  /** The last 90 days' incidents of the page's monitors, newest first. */
  incidents: PublicIncident[];
  /** Epoch ms: when these figures were computed. */
  updatedAt: number;
  /** Only visitors with its password see it (access.ts). */
  private: boolean;
}

/** The page and an ETag of its content, as the cache holds them. */
export interface CachedPublicPage {
  page: PublicStatusPage;
  etag: string;
  /** Who may see it (access.ts `mayView`); never shown. */
  access: { id: string; passwordHash: string | null };
}

const caches = new WeakMap<Services, TtlCache<string, CachedPublicPage | null>>();

/** The cache of these services' pages (the benchmark and tests read its `loads`). */
export function publicPageCache(services: Services): TtlCache<string, CachedPublicPage | null> {
  let cache = caches.get(services);
  if (!cache) {
    const ttlMs = services.config.statusPageCacheMs;
    // Visitors never queue behind a recomputation: for up to one more period they get the
    // figures it replaces.
    cache = new TtlCache({ ttlMs, staleMs: ttlMs, maxEntries: 5_000 });
    caches.set(services, cache);
  }
  return cache;
}

/**
 * After a page changed in this process: its next visitor gets it recomputed, not the
 * render from before. Other web machines follow within their cache period.
 */
export function forgetPublicPage(services: Services, slug: string): void {
  publicPageCache(services).delete(slug);
}

/**
 * The page by slug, from the cache; NOT_FOUND for no such page (also cached, so a flood
 * of made-up slugs costs one query per slug per period).
 */
export async function publicStatusPage(
  services: Services,
  slug: string,
): Promise<CachedPublicPage> {
  const cached = await publicPageCache(services).get(slug, async () => {
    const computed = await computePublicStatusPage(services, slug);
    return computed && { ...computed, etag: await etagOf(computed.page) };
  });
  if (!cached) throw notFound("status page");
  return cached;
}

/**
 * The page computed now: one Postgres query for the page, one for its monitors, one for
 * their incidents and one for their maintenance, one ClickHouse query.
 */
export async function computePublicStatusPage(
  services: Services,
  slug: string,
  now = new Date(),
): Promise<{ page: PublicStatusPage; access: CachedPublicPage["access"] } | null> {
  const [page] = await services.readDb.select({
    id: statusPages.id,
    passwordHash: statusPages.passwordHash,
    title: statusPages.title,
    subscriptions: statusPages.subscriptions,
    description: statusPages.description,
    homepageUrl: statusPages.homepageUrl,
    logo: statusPageLogos.etag,
  })
    .from(statusPages)
    .leftJoin(statusPageLogos, eq(statusPageLogos.statusPageId, statusPages.id))
    .where(eq(statusPages.slug, slug));
  if (!page) return null;
  const entries = await services.readDb.select({
    ...monitorColumns,
    showUrl: statusPageWebsites.showUrl,
    section: statusPageWebsites.section,
  }).from(statusPageWebsites)
    .innerJoin(websites, eq(websites.id, statusPageWebsites.websiteId))
    .where(eq(statusPageWebsites.statusPageId, page.id))
    .orderBy(asc(statusPageWebsites.position));

  const monitors = entries.map((entry) => ({
    ...entry,
    intervalMs: entry.intervalSeconds
      ? entry.intervalSeconds * 1000
      : services.config.publishIntervalMs,
  }));
  const ids = monitors.map((m) => m.id);
  const [uptime, statuses, incidents, windows] = await Promise.all([
    dailyUptime(services.ch, ids, now),
    currentStatuses(services, monitors, now.getTime()),
    publicIncidents(services, ids, now.getTime() - BAR_DAYS * DAY_MS),
    currentWindows(services.readDb, ids, now.getTime()),
  ]);
  const shown = monitors.map((entry, index): PublicMonitor => {
    const current = statuses.get(entry.id)!;
    const summary = uptime.get(entry.id)!;
    const underMaintenance = current.status !== "paused" &&
      inWindowOf(windows, entry.id, now.getTime());
    return {
      id: entry.id,
      name: publicMonitorName(entry, index),
      url: entry.showUrl ? entry.url : null,
      section: entry.section,
      status: underMaintenance ? "maintenance" : current.status,
      regions: current.regions,
      intervalMs: entry.intervalMs,
      uptime90d: summary.uptime,
      uptime30d: windowUptime(summary.bars.slice(-NARROW_DAYS)),
      bars: summary.bars,
      maintenance: windows.filter((w) => w.websiteIds.includes(entry.id))
        .map(({ startsAt, endsAt }) => ({ startsAt, endsAt })),
    };
  });
  const shownPage: PublicStatusPage = {
    slug,
    title: page.title,
    description: page.description,
    homepageUrl: page.homepageUrl,
    logo: page.logo,
    subscribe: takesSubscriptions(services, page),
    overall: pageStatus(shown.map((m) => m.status)),
    monitors: shown,
    maintenances: listedWindows(windows, now.getTime()).map((w) => ({
      id: w.id,
      title: w.title,
      message: w.message,
      startsAt: w.startsAt,
      endsAt: w.endsAt,
      monitors: shown.filter((m) => w.websiteIds.includes(m.id)).map((m) => m.name),
      repeats: w.repeatEvery,
    })),
    // Named as the page names the monitor: never its host unless the owner shows its URL.
    incidents: incidents.map((incident) => ({
      id: incident.id,
      monitorId: incident.websiteId,
      title: `${shown.find((m) => m.id === incident.websiteId)?.name ?? "A monitor"} ${
        incident.resolvedAt === null ? "is down" : "was down"
      }`,
      startedAt: incident.startedAt,
      resolvedAt: incident.resolvedAt,
      updates: incident.updates,
    })),
    updatedAt: now.getTime(),
    private: page.passwordHash !== null,
  };
  return { page: shownPage, access: { id: page.id, passwordHash: page.passwordHash } };
}

/**
 * How a page names its `index`th monitor to the public: by its name; by its host only
 * when the owner shows its URL; otherwise "Monitor 2".
 */
export function publicMonitorName(
  entry: { name: string | null; url: string; showUrl: boolean },
  index: number,
): string {
  return entry.name ?? (entry.showUrl ? targetHostname(entry.url) : null) ?? `Monitor ${index + 1}`;
}

/**
 * The page's monitors by section: each section's monitors together, in the page's order,
 * where its first one is (those without one too), under its heading. Monitors without a
 * section have none when they come first, and are "Other" after a section.
 */
export function sectionGroups<T extends { section: string }>(
  monitors: T[],
): { heading: string; monitors: T[] }[] {
  // "API" and "api" are one section, under the spelling its first monitor has.
  const groups = new Map<string, { heading: string; monitors: T[] }>();
  for (const monitor of monitors) {
    const key = monitor.section.toLocaleLowerCase("en");
    const group = groups.get(key) ?? { heading: monitor.section, monitors: [] };
    group.monitors.push(monitor);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ heading, monitors }, index) => ({
    heading: heading || (index > 0 ? "Other" : ""),
    monitors,
  }));
}

/** "Acme status" for a page titled "Acme", and for one titled "Acme status" too. */
export function statusHeading(title: string): string {
  return /\bstatus$/i.test(title.trim()) ? title : `${title} status`;
}

/**
 * A strong ETag of everything the page shows, its "last updated" time included: a
 * visitor's copy stays valid for as long as the figures behind it are reused.
 */
async function etagOf(page: PublicStatusPage): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(JSON.stringify(page)),
  );
  const hex = [...new Uint8Array(digest).slice(0, 12)]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  return `"${hex}"`;
}
