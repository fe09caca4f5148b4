/**
 * The public view of a status page, for anyone with its slug. It is built field by field
 * from an allow-list: nothing about the owner, and a monitor's URL only where the owner
 * chose to show it.
 */
import { asc, eq } from "drizzle-orm";
import { statusPages, statusPageWebsites, websites } from "../../db/postgres/schema.ts";
import type { Services } from "../context.ts";
import { notFound } from "../errors.ts";
import { type CurrentStatus, currentStatuses } from "./uptime.ts";
import { dailyUptime } from "../uptime/daily_uptime.ts";
import type { DailyBar } from "../../lib/uptime.ts";

export interface PublicMonitor {
  /** The website id, so live updates (WebSocket) can find their row; grants nothing. */
  id: string;
  name: string;
  /** Only when the owner chose to show it. */
  url: string | null;
  status: CurrentStatus;
  uptime90d: number | null;
  bars: DailyBar[];
}

export interface PublicStatusPage {
  slug: string;
  title: string;
  monitors: PublicMonitor[];
  /** Incidents are not recorded yet; the field is here so clients need not change. */
  incidents: never[];
}

export async function getPublicStatusPage(
  services: Services,
  slug: string,
): Promise<PublicStatusPage> {
  const [page] = await services.db.select({ id: statusPages.id, title: statusPages.title })
    .from(statusPages).where(eq(statusPages.slug, slug));
  if (!page) throw notFound("status page");
  const entries = await services.db.select({
    id: websites.id,
    name: websites.name,
    url: websites.url,
    regions: websites.regions,
    active: websites.active,
    showUrl: statusPageWebsites.showUrl,
  }).from(statusPageWebsites)
    .innerJoin(websites, eq(websites.id, statusPageWebsites.websiteId))
    .where(eq(statusPageWebsites.statusPageId, page.id))
    .orderBy(asc(statusPageWebsites.position));

  const ids = entries.map((e) => e.id);
  const [uptime, statuses] = await Promise.all([
    dailyUptime(services.ch, ids),
    // A paused monitor has no current status, whatever its last result was.
    currentStatuses(services, entries.filter((e) => e.active)),
  ]);
  return {
    slug,
    title: page.title,
    monitors: entries.map((entry) => ({
      id: entry.id,
      name: entry.name ?? hostnameOf(entry.url),
      url: entry.showUrl ? entry.url : null,
      status: statuses.get(entry.id) ?? "unknown",
      uptime90d: uptime.get(entry.id)!.uptime,
      bars: uptime.get(entry.id)!.bars,
    })),
    incidents: [],
  };
}

function hostnameOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return "Website";
  }
}
