/**
 * `report.availability`: how every monitor of the account did over a period of whole days
 * in a time zone (UTC unless named), for an SLA review or a customer: uptime from its
 * checks (every region's, leaving out those under maintenance, as on every other screen),
 * response time percentiles, and its incidents (how many, how long it was down, the
 * longest, the mean times to acknowledge and to resolve). A period that reaches today ends
 * now.
 *
 * Checks come from the hourly rollup, the hour under way from the checks themselves (the
 * rollup trails them by up to a minute), as the daily bars count them, and so do the parts
 * of an hour a zone's day begins or ends within (Asia/Kolkata's days begin at :30);
 * incidents from Postgres, each clipped to the period.
 */
import type postgres from "postgres";
import type { ClickHouse } from "../../db/clickhouse/client.ts";
import { rowsInChunks } from "../../db/clickhouse/chunks.ts";
import { literal, type Sql, sql } from "../../db/clickhouse/sql.ts";
import { ANSWERED } from "../../db/clickhouse/rollup.ts";
import { DAY_MS, HOUR_MS, uptimePercent } from "../../lib/uptime.ts";
import { dayIn, dayStartIn } from "../../lib/zoned_time.ts";
import type { Actor, Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import { QUANTILE_LEVELS } from "../websites/metrics_queries.ts";
import { type ResponseTimes, responseTimes } from "../websites/metrics.ts";
import { accountTags, collator } from "../websites/overview.ts";
import { displayName } from "../websites/store.ts";
import { type AvailabilityInput, dayNumber, dayString } from "./schemas.ts";

/** The figures of one period, of one monitor or of them all. */
export interface Availability {
  /** Checks that count for uptime; those under maintenance are in neither this nor `up`. */
  checks: number;
  up: number;
  /** Checks while the monitor was under maintenance. */
  maintenance: number;
  /** Percent of `checks` that were up; null without checks. */
  uptime: number | null;
  /** Incidents open at some time in the period. */
  incidents: number;
  /** How long its incidents were open within the period, in milliseconds. */
  downtimeMs: number;
  /** The longest of them, within the period; null without incidents. */
  longestMs: number | null;
  /** Mean time from start to acknowledgement, of those acknowledged in the period. */
  mttaMs: number | null;
  /** Mean time from start to end, of those that ended in the period. */
  mttrMs: number | null;
}

export interface MonitorAvailability extends Availability {
  id: string;
  name: string;
  type: "http" | "tcp" | "dns" | "heartbeat";
  tags: string[];
  /**
   * Response time percentiles over the period, every region together; null without
   * checks, and for a heartbeat monitor.
   */
  responseMs: ResponseTimes | null;
}

export interface AvailabilityReport {
  /** The period as asked: its first and last day, in `timeZone`. */
  from: string;
  to: string;
  timeZone: string;
  /** Epoch milliseconds: the period's start, and its end (now, if it reaches today). */
  startsAt: number;
  endsAt: number;
  tag: string;
  /** The monitors that existed in the period, by name. */
  monitors: MonitorAvailability[];
  /** Every monitor together: their checks, and all their incidents. */
  overall: Availability;
  /** Every tag of the account's monitors, for a filter. */
  tags: string[];
  /**
   * Checks before this (epoch milliseconds) are past `RETENTION_DAYS` and may be gone;
   * incidents are kept for good.
   */
  checksKeptFrom: number;
}

interface CountRow {
  website_id: string;
  n: string | number;
  up: string | number;
  m: string | number;
  q: (number | null)[];
}

interface IncidentSpan {
  startedAt: number;
  resolvedAt: number | null;
  acknowledgedAt: number | null;
}

export async function availabilityReport(
  services: Services,
  actor: Actor,
  input: AvailabilityInput,
  now = Date.now(),
): Promise<AvailabilityReport> {
  const { from, to, tag, timeZone } = input;
  const today = dayIn(now, timeZone);
  if (to > today) throw new DomainError("BAD_REQUEST", `to: after today (${today}, ${timeZone})`);
  const startsAt = await dayStartIn(from, timeZone);
  const endsAt = Math.min(await dayStartIn(dayString(dayNumber(to)! + 1), timeZone), now);
  const pg = services.readSql;
  const all = await pg<
    {
      id: string;
      name: string | null;
      url: string;
      type: MonitorAvailability["type"];
      tags: string[];
    }[]
  >`
    select id, name, url, type, tags from websites
    where owner_id = ${actor.accountId} and created_at < ${iso(endsAt)}`;
  const wanted = tag.toLowerCase();
  const websites = all.filter((row) => !wanted || row.tags.some((t) => t.toLowerCase() === wanted));
  const ids = websites.map((row) => row.id);
  const [counts, incidents] = await Promise.all([
    checkCounts(services.ch, ids, startsAt, endsAt, now),
    incidentSpans(pg, ids, startsAt, endsAt),
  ]);
  const monitors = websites.map((website): MonitorAvailability => {
    const row = counts.get(website.id);
    return {
      id: website.id,
      name: displayName(website),
      type: website.type,
      tags: website.tags,
      ...figures([row], incidents.get(website.id) ?? [], startsAt, endsAt),
      // A heartbeat times nothing: its results carry no response time.
      responseMs: row && website.type !== "heartbeat" && Number(row.n) + Number(row.m)
        ? responseTimes(row.q)
        : null,
    };
  }).sort((a, b) => collator.compare(a.name, b.name) || a.id.localeCompare(b.id));
  return {
    from,
    to,
    timeZone,
    startsAt,
    endsAt,
    tag,
    monitors,
    overall: figures(
      [...counts.values()],
      [...incidents.values()].flat(),
      startsAt,
      endsAt,
    ),
    tags: accountTags(all),
    checksKeptFrom: now - services.config.retentionDays * DAY_MS,
  };
}

function figures(
  rows: (CountRow | undefined)[],
  spans: IncidentSpan[],
  startsAt: number,
  endsAt: number,
): Availability {
  let checks = 0, up = 0, maintenance = 0;
  for (const row of rows) {
    if (!row) continue;
    checks += Number(row.n);
    up += Number(row.up);
    maintenance += Number(row.m);
  }
  const within = spans.map((span) =>
    Math.min(span.resolvedAt ?? endsAt, endsAt) - Math.max(span.startedAt, startsAt)
  );
  const inPeriod = (at: number | null): at is number =>
    at !== null && at >= startsAt && at < endsAt;
  const resolved = spans.filter((span) => inPeriod(span.resolvedAt));
  const acknowledged = spans.filter((span) => inPeriod(span.acknowledgedAt));
  return {
    checks,
    up,
    maintenance,
    uptime: uptimePercent(up, checks),
    incidents: spans.length,
    downtimeMs: within.reduce((a, b) => a + b, 0),
    longestMs: within.length ? Math.max(...within) : null,
    mttaMs: mean(acknowledged.map((span) => span.acknowledgedAt! - span.startedAt)),
    mttrMs: mean(resolved.map((span) => span.resolvedAt! - span.startedAt)),
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

const mean = (values: number[]) =>
  values.length ? Math.round(values.reduce((a, b) => a + b, 0) / values.length) : null;

/**
 * Per website: checks, up checks, checks under maintenance and merged response time
 * quantiles over [startsAt, endsAt). Whole hours before the one under way come from the
 * rollup; that one, and the parts of hours the period begins or ends within, from `checks
 * FINAL`; both give quantile states, merged once.
 */
async function checkCounts(
  ch: ClickHouse,
  ids: string[],
  startsAt: number,
  endsAt: number,
  now: number,
): Promise<Map<string, CountRow>> {
  // A period that starts this very millisecond has no checks yet, and no query to run.
  if (endsAt <= startsAt) return new Map();
  const rolledUpFrom = Math.ceil(startsAt / HOUR_MS) * HOUR_MS;
  const rolledUpTo = Math.min(Math.floor(endsAt / HOUR_MS), Math.floor(now / HOUR_MS)) * HOUR_MS;
  const rolledUp = rolledUpTo > rolledUpFrom;
  // What the rollup leaves: everything when it has no whole hour of the period, else the
  // part before its first hour and the part after its last.
  const unrolled =
    (rolledUp ? [[startsAt, rolledUpFrom], [rolledUpTo, endsAt]] : [[startsAt, endsAt]])
      .filter(([from, to]) => to > from);
  const at = (ms: number) => literal.dateTime(new Date(ms));
  const rows = await rowsInChunks<CountRow, string>(ch, ids, (chunk) => {
    const list = literal.uuidList(chunk);
    const parts: Sql[] = [];
    if (rolledUp) {
      parts.push(sql`SELECT website_id, toUInt64(checks) AS n, toUInt64(up_checks) AS up,
          toUInt64(maintenance_checks) AS m, response_quantiles AS q
        FROM checks_hourly FINAL
        WHERE website_id IN ${list} AND hour >= ${at(rolledUpFrom)} AND hour < ${at(rolledUpTo)}`);
    }
    if (unrolled.length) {
      const within = unrolled.map(([from, to]) =>
        sql`(scheduled_at >= ${at(from)} AND scheduled_at < ${at(to)})`
      );
      parts.push(sql`SELECT website_id, countIf(maintenance = 0) AS n,
          countIf(outcome = 'up' AND maintenance = 0) AS up, countIf(maintenance = 1) AS m,
          quantilesTimingStateIf(${QUANTILE_LEVELS})(response_ms, ${ANSWERED}) AS q
        FROM checks FINAL
        WHERE website_id IN ${list} AND (${sql.join(within, sql` OR `)})
        GROUP BY website_id`);
    }
    return sql`SELECT website_id, sum(n) AS n, sum(up) AS up, sum(m) AS m,
        quantilesTimingMerge(${QUANTILE_LEVELS})(q) AS q
      FROM (${sql.join(parts, sql` UNION ALL `)}) GROUP BY website_id`;
  });
  return new Map(rows.map((row) => [row.website_id, row]));
}

/** Per website of `ids` (the actor's), its incidents open at some time in [startsAt, endsAt). */
async function incidentSpans(
  pg: postgres.Sql,
  ids: string[],
  startsAt: number,
  endsAt: number,
): Promise<Map<string, IncidentSpan[]>> {
  const spans = new Map<string, IncidentSpan[]>();
  if (!ids.length) return spans;
  const rows = await pg<
    {
      website_id: string;
      started_at: string;
      resolved_at: string | null;
      acknowledged_at: string | null;
    }[]
  >`
    select website_id, started_at, resolved_at, acknowledged_at from incidents
    where website_id = any(${ids}::uuid[]) and started_at < ${iso(endsAt)}
      and (resolved_at is null or resolved_at > ${iso(startsAt)})`;
  const ms = (at: string | null) => at === null ? null : Date.parse(at);
  for (const row of rows) {
    let list = spans.get(row.website_id);
    if (!list) spans.set(row.website_id, list = []);
    list.push({
      startedAt: Date.parse(row.started_at),
      resolvedAt: ms(row.resolved_at),
      acknowledgedAt: ms(row.acknowledged_at),
    });
  }
  return spans;
}
