/**
 * `website.overview`: the monitors table. Every monitor of the account is searched,
 * filtered and sorted (the live status of all of them is one Redis round trip, their
 * 24-hour uptime one more, read from what the publisher refreshes every minute); only the
 * requested page gets its strip of recent checks from ClickHouse.
 */
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { websites } from "../../db/postgres/schema.ts";
import { monitorColumns } from "./monitor_columns.ts";
import { literal, sql } from "../../db/clickhouse/sql.ts";
import { liveResultFields, parseLiveJson } from "../../lib/live_result.ts";
import { overallState, type RegionState, regionState } from "../../lib/live_status.ts";
import { countedAs } from "../../lib/monitor_status.ts";
import type { Actor, Services } from "../context.ts";
import { log } from "../../lib/logger.ts";
import { computeUptime24h, readUptime24h } from "../uptime/uptime_24h.ts";
import { storedLiveStatuses } from "../live_status/read.ts";
import { timed } from "../../lib/server_timing.ts";
import { currentWindows, maintenanceUntil } from "../maintenance/current.ts";
import { describeDnsTarget } from "../../lib/dns_target.ts";
import { targetHost } from "../../lib/target_host.ts";
import { uniqueTags } from "./schemas.ts";

export const STRIP_LENGTH = 30;
export const OVERVIEW_PAGE_SIZE = 50;
export const STATUS_FILTERS = ["all", "up", "down", "paused"] as const;
export const SORTS = ["name", "status", "uptime", "response", "created"] as const;

export const overviewInput = z.strictObject({
  q: z.string({ error: "q: expected text" }).trim().max(200, "q: at most 200 characters")
    .default(""),
  status: z.enum(STATUS_FILTERS, { error: `status: one of ${STATUS_FILTERS.join(", ")}` })
    .default("all"),
  sort: z.enum(SORTS, { error: `sort: one of ${SORTS.join(", ")}` }).default("status"),
  /** Only monitors with this tag (any case); "" for all. */
  tag: z.string({ error: "tag: expected text" }).trim().max(100, "tag: at most 100 characters")
    .default(""),
  page: z.number({ error: "page: expected a number" }).int("page: a whole number")
    .min(1, "page: at least 1").max(10_000, "page: at most 10000").default(1),
});
export type OverviewInput = z.input<typeof overviewInput>;
type Query = z.output<typeof overviewInput>;

export type MonitorStatus = "up" | "down" | "degraded" | "paused" | "nodata";

export interface RegionStatus {
  region: string;
  state: RegionState;
  responseMs: number | null;
  /** Epoch ms of the region's newest result. */
  checkedAt: number | null;
  /** Its newest result was up, but slower than the monitor's degraded threshold. */
  degraded: boolean;
}

export interface RecentCheck {
  /** Epoch ms of the scheduled slot. */
  at: number;
  region: string;
  outcome: "up" | "down";
  /** Up, but slower than the monitor's degraded threshold. */
  degraded: boolean;
  responseMs: number;
  httpStatus: number;
  errorKind: string;
}

export interface MonitorRow {
  id: string;
  name: string;
  url: string;
  tags: string[];
  /** What is checked, in short: `shop.example/health`, `TCP db.example:5432`, `Heartbeat`. */
  target: string;
  active: boolean;
  intervalSeconds: number;
  status: MonitorStatus;
  regions: RegionStatus[];
  lastCheckedAt: number | null;
  /** Null for a heartbeat monitor: its job calls us, nothing is timed. */
  lastResponseMs: number | null;
  /** False for heartbeat monitors, whose results have no response time. */
  timed: boolean;
  uptime24h: number | null;
  /** Oldest first, at most {@link STRIP_LENGTH}. */
  recent: RecentCheck[];
  /** Epoch ms: the end of the maintenance window it is in; null when it is in none. */
  maintenanceUntil: number | null;
}

export interface Overview {
  query: Query;
  rows: MonitorRow[];
  /** Monitors matching the search and filter, over every page. */
  matching: number;
  pages: number;
  /** Of the whole account, whatever the filter. */
  counts: { all: number; up: number; down: number; paused: number };
  /** Every tag of the account's monitors, sorted (one spelling of each). */
  tags: string[];
  /** ClickHouse did not answer: uptime and the check strips are missing, live status is not. */
  resultsUnavailable: boolean;
}

const latestSchema = liveResultFields("outcome", "responseMs", "checkedAt", "degraded");

// Down first: the table answers "what is broken" before anything else.
const STATUS_ORDER: Record<MonitorStatus, number> = {
  down: 0,
  degraded: 1,
  nodata: 2,
  up: 3,
  paused: 4,
};

export async function websiteOverview(
  services: Services,
  actor: Actor,
  input: OverviewInput,
  now = Date.now(),
): Promise<Overview> {
  const query = overviewInput.parse(input);
  const rows = await timed(
    "monitors",
    services.readDb.select({
      ...monitorColumns,
      type: websites.type,
      createdAt: websites.createdAt,
      tags: websites.tags,
    })
      .from(websites)
      .where(eq(websites.ownerId, actor.accountId))
      .orderBy(asc(websites.createdAt), asc(websites.id)),
  );
  const ids = rows.map((row) => row.id);
  const [live, uptime] = await Promise.all([
    timed("live", storedLiveStatuses(services.redis, services.keys, ids)),
    timed(
      "uptime",
      readUptime24h(services.redis, services.keys, ids).then((published) =>
        published ?? computeUptime24h(services.ch, ids, now)
      ),
    ).catch(resultsFailed),
  ]);
  const defaultInterval = Math.round(services.config.publishIntervalMs / 1000);

  const all = rows.map((row, index): MonitorRow & { order: number } => {
    const intervalSeconds = row.intervalSeconds ?? defaultInterval;
    const timed = row.type !== "heartbeat";
    const hash = live[index];
    const regions = row.regions.map((region): RegionStatus => {
      const latest = parseLiveJson(hash?.[region], latestSchema);
      return {
        region,
        state: row.active ? regionState(latest, intervalSeconds, now) : "nodata",
        responseMs: latest?.responseMs ?? null,
        checkedAt: latest?.checkedAt ?? null,
        degraded: latest?.degraded === true,
      };
    });
    const newest = regions.reduce<RegionStatus | null>(
      (best, r) => r.checkedAt !== null && (!best || r.checkedAt > best.checkedAt!) ? r : best,
      null,
    );
    return {
      order: index,
      id: row.id,
      name: row.name ?? targetHost(row.url),
      url: row.url,
      tags: row.tags,
      target: shortTarget(row.type, row.url),
      active: row.active,
      intervalSeconds,
      status: row.active ? overallState(regions.map((r) => r.state)) : "paused",
      regions,
      lastCheckedAt: newest?.checkedAt ?? null,
      lastResponseMs: timed ? newest?.responseMs ?? null : null,
      timed,
      uptime24h: uptime?.get(row.id) ?? null,
      recent: [],
      maintenanceUntil: null,
    };
  });

  const counts = { all: all.length, up: 0, down: 0, paused: 0 };
  for (const row of all) {
    const counted = countedAs(row.status);
    if (counted) counts[counted]++;
  }
  const needle = query.q.toLowerCase();
  const tag = query.tag.toLowerCase();
  const matching = all.filter((row) =>
    (!needle || row.name.toLowerCase().includes(needle) ||
      row.url.toLowerCase().includes(needle) ||
      row.tags.some((t) => t.toLowerCase().includes(needle))) &&
    (!tag || row.tags.some((t) => t.toLowerCase() === tag)) &&
    matchesStatus(row.status, query.status)
  ).sort(comparator(query.sort));
  const pages = Math.max(1, Math.ceil(matching.length / OVERVIEW_PAGE_SIZE));
  const page = Math.min(query.page, pages);
  const shown = matching.slice((page - 1) * OVERVIEW_PAGE_SIZE, page * OVERVIEW_PAGE_SIZE);
  const [strips, windows] = await Promise.all([
    uptime === null
      ? null
      : timed("strips", recentChecks(services, shown, now)).catch(resultsFailed),
    currentWindows(services.readDb, shown.map((row) => row.id), now, OVERVIEW_PAGE_SIZE),
  ]);
  return {
    query: { ...query, page },
    rows: shown.map(({ order: _order, ...row }) => ({
      ...row,
      recent: strips?.get(row.id) ?? [],
      maintenanceUntil: maintenanceUntil(windows, row.id, now),
    })),
    matching: matching.length,
    pages,
    counts,
    tags: accountTags(all),
    resultsUnavailable: uptime === null || strips === null,
  };
}

/** The table still answers without ClickHouse: what Postgres and Redis know is most of it. */
function resultsFailed(error: unknown): null {
  log.warn("overview.results_unavailable", { error });
  return null;
}

/** Every tag once, in the spelling first met, sorted as people read. */
export function accountTags(rows: readonly { tags: string[] }[]): string[] {
  return uniqueTags(rows.flatMap((row) => row.tags)).sort(collator.compare);
}

function matchesStatus(status: MonitorStatus, filter: Query["status"]): boolean {
  return filter === "all" || countedAs(status) === filter;
}

type Sortable = MonitorRow & { order: number };

// One collator for every comparison: `localeCompare` with options builds one per call.
export const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

function comparator(sort: Query["sort"]): (a: Sortable, b: Sortable) => number {
  const byName = (a: Sortable, b: Sortable) =>
    collator.compare(a.name, b.name) || a.order - b.order;
  switch (sort) {
    case "name":
      return byName;
    case "created":
      return (a, b) => b.order - a.order;
    case "uptime":
      // Lowest uptime first; monitors without data last.
      return (a, b) => (a.uptime24h ?? 101) - (b.uptime24h ?? 101) || byName(a, b);
    case "response":
      // Slowest first.
      return (a, b) => (b.lastResponseMs ?? -1) - (a.lastResponseMs ?? -1) || byName(a, b);
    case "status":
      return (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || byName(a, b);
  }
}

/**
 * The newest checks of each website (every region, each check once), oldest first. The
 * query looks back only as far as the slowest of these websites takes for a strip (31 of
 * its intervals, at most a week): the table is ordered by website then time, so that is
 * a few granules per website instead of a week of them.
 */
async function recentChecks(
  services: Services,
  websites: { id: string; intervalSeconds: number }[],
  now: number,
): Promise<Map<string, RecentCheck[]>> {
  const strips = new Map<string, RecentCheck[]>();
  if (!websites.length) return strips;
  const ids = websites.map((w) => w.id);
  const slowest = Math.max(...websites.map((w) => w.intervalSeconds));
  const lookBackMs = Math.min(7 * 86_400_000, (STRIP_LENGTH + 1) * slowest * 1000);
  const rows = await services.ch.rows<{
    website_id: string;
    region_id: string;
    scheduled: string | number;
    outcome: "up" | "down";
    response_ms: number;
    http_status: number;
    error_kind: string;
    degraded: number | string;
  }>(
    sql`SELECT website_id, region_id, scheduled, outcome, response_ms, http_status, error_kind,
            degraded
     FROM (
       SELECT website_id, region_id, toUInt32(scheduled_at) AS scheduled, outcome,
              response_ms, http_status, error_kind, degraded
       FROM checks
       WHERE website_id IN ${literal.uuidList(ids)}
         AND scheduled_at >= ${literal.dateTime(new Date(now - lookBackMs))}
       ORDER BY website_id, scheduled_at DESC, region_id, checked_at DESC
       LIMIT 1 BY website_id, scheduled_at, region_id
     )
     ORDER BY website_id, scheduled DESC, region_id
     LIMIT ${literal.int(STRIP_LENGTH)} BY website_id`,
  );
  for (const row of rows) {
    let strip = strips.get(row.website_id);
    if (!strip) strips.set(row.website_id, strip = []);
    strip.push({
      at: Number(row.scheduled) * 1000,
      region: row.region_id,
      outcome: row.outcome,
      degraded: Number(row.degraded) === 1,
      responseMs: Number(row.response_ms),
      httpStatus: Number(row.http_status),
      errorKind: row.error_kind,
    });
  }
  for (const strip of strips.values()) strip.reverse();
  return strips;
}

function shortTarget(type: string, url: string): string {
  if (type === "heartbeat") return "Heartbeat";
  if (type === "tcp") return `TCP ${url.replace(/^tcp:\/\//, "")}`;
  if (type === "dns") return `DNS ${describeDnsTarget(url)}`;
  // The address without its usual scheme, and without a lone "/" path.
  return url.replace(/^https:\/\//, "").replace(/^((?:http:\/\/)?[^/?#]+)\/$/, "$1");
}
