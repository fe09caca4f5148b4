/**
 * One incident as its page tells it: what failed where (each region's checks from the
 * first failure to the end, and the failed checks themselves from ClickHouse), and who
 * was told (the alerts sent to its channels, from the delivery records).
 */
import { type IncidentUpdate, updatesOf } from "./updates.ts";
import { literal, type Sql, sql } from "../../db/clickhouse/sql.ts";
import { log } from "../../lib/logger.ts";
import type { Actor, Services } from "../context.ts";
import {
  type Check,
  CHECK_COLUMNS,
  type CheckColumns,
  checksPage,
  decodeCursor,
  olderThan,
  withResponses,
} from "../websites/checks.ts";
import type { IncidentDetailInput } from "./schemas.ts";
import type { MonitorType } from "../websites/schemas.ts";
import { kindsWithout } from "../notifications/providers/mod.ts";
import { type Incident, ownedIncident } from "./store.ts";

/** The failed checks the page lists, newest first. */
export const FAILURES_SHOWN = 50;

/**
 * How long before the first failure a check of it may have been scheduled: the incident
 * starts when that check ran, and a check runs within its timeout (at most 60 s) of its slot,
 * later only when a worker fell behind.
 */
const SCHEDULED_BEFORE_SECONDS = 300;

export interface RegionSpan {
  region: string;
  /** Checks of the region from the incident's start to its end (or now). */
  checks: number;
  failed: number;
  /** Epoch milliseconds; null when the region had no failed check in the span. */
  firstFailureAt: number | null;
  lastFailureAt: number | null;
}

export interface IncidentAlert {
  channelId: string;
  channelName: string;
  /** The provider id: `slack`, `email`, `webhook`, … */
  channelKind: string;
  /**
   * Which message: that it went down, that it still is (a reminder), that nobody
   * acknowledged it (an escalation), or that it ended.
   */
  event: "opened" | "reminder" | "escalated" | "resolved";
  /** Which reminder (1, 2, …); null for the other messages. */
  reminder: number | null;
  /**
   * `pending` (first try or a retry ahead), `delivered`, `failed` (given up), or `skipped`
   * (a reminder the incident's acknowledgement or end made moot).
   */
  status: "pending" | "delivered" | "failed" | "skipped";
  attempts: number;
  /** The last attempt's error; null once delivered. */
  error: string | null;
  /** Epoch milliseconds: queued, delivered, the last attempt, the next attempt. */
  createdAt: number;
  deliveredAt: number | null;
  updatedAt: number;
  nextAttemptAt: number | null;
}

export interface IncidentDetail {
  incident: Incident;
  monitor: {
    type: MonitorType;
    method: string;
    url: string;
    /** How many channels an incident of it alerts now (its own list, or all of the account's). */
    channels: number;
    /**
     * How often its channels are reminded of an unacknowledged incident; null when none
     * would be: never set, paused, or no channel but PagerDuty (which escalates by itself).
     */
    remindEveryMinutes: number | null;
    /**
     * After how long unacknowledged its escalation channels are alerted, and their names;
     * null when it does not escalate (never set, or paused).
     */
    escalation: { afterMinutes: number; channels: string[] } | null;
  };
  /** From ClickHouse; null when it could not be read just now (the rest still shows). */
  checks: {
    regions: RegionSpan[];
    /**
     * The failed checks from the start to the end (or now), newest first, at most
     * {@link FAILURES_SHOWN} from the cursor on.
     */
    failures: Check[];
    failureCount: number;
    /** Pass back as `cursor` for the next (older) failed checks; null on the last page. */
    nextCursor: string | null;
  } | null;
  /** Oldest first. */
  alerts: IncidentAlert[];
  /** What the owner told customers, newest first. */
  updates: IncidentUpdate[];
  /**
   * The status pages that show the monitor, and so its updates, with how many confirmed
   * subscribers each update is emailed to (0 where the page takes no subscriptions).
   */
  statusPages: { id: string; title: string; slug: string; subscribers: number }[];
}

export async function incidentDetail(
  services: Services,
  actor: Actor,
  input: IncidentDetailInput,
): Promise<IncidentDetail> {
  const after = input.cursor === undefined ? null : decodeCursor(input.cursor);
  const incident = await ownedIncident(services.readSql, actor, input.id);
  const [checks, alerts, monitor, updates, statusPages] = await Promise.all([
    Promise.all([regionSpans(services, incident), failedChecks(services, incident, after)])
      .then(async ([regions, rows]) => {
        const { checks: page, nextCursor } = checksPage(rows, FAILURES_SHOWN);
        const failures = await withResponses(services, incident.websiteId, page);
        const failureCount = regions.reduce((sum, span) => sum + span.failed, 0);
        return { regions, failures, failureCount, nextCursor };
      })
      .catch((error) => {
        log.error("incident_detail.checks_failed", { error, incidentId: incident.id });
        return null;
      }),
    incidentAlerts(services, incident.id),
    monitorOf(services, incident.websiteId),
    updatesOf(services.readSql, [incident.id]),
    services.readSql<{ id: string; title: string; slug: string; subscribers: number }[]>`
      select p.id, p.title, p.slug,
        case when p.subscriptions then (
          select count(*)::int from status_page_subscribers s
          where s.status_page_id = p.id and s.confirmed_at is not null) else 0 end as subscribers
      from status_pages p
      join status_page_websites pw on pw.status_page_id = p.id
      where pw.website_id = ${incident.websiteId} order by p.title, p.id`,
  ]);
  return {
    incident,
    monitor,
    checks,
    alerts,
    updates: updates.get(incident.id)!,
    // Without SMTP_URL nobody is mailed, whatever the pages ask.
    statusPages: statusPages.map((page) => ({
      ...page,
      subscribers: services.config.notifications.smtpUrl ? page.subscribers : 0,
    })),
  };
}

async function monitorOf(services: Services, websiteId: string) {
  const [row] = await services.readSql`
    with attached as (
      select c.kind from websites w join notification_channels c on c.owner_id = w.owner_id
      where w.id = ${websiteId}
        and (w.notification_channel_ids is null or c.id = any(w.notification_channel_ids))
    )
    select w.type, w.method, w.url,
      (select count(*)::int from attached) as channels,
      case when w.active and exists (
          select 1 from attached where kind <> all(${kindsWithout("reminder")}::text[]))
        then w.remind_every_minutes end as remind_every_minutes,
      case when w.active then w.escalate_after_minutes end as escalate_after_minutes,
      array(select c.name from notification_channels c
        where c.owner_id = w.owner_id and c.id = any(w.escalation_channel_ids)
        order by c.name) as escalation_channels
    from websites w where w.id = ${websiteId}`;
  return {
    type: row.type,
    method: row.method,
    url: row.url,
    channels: row.channels,
    remindEveryMinutes: row.remind_every_minutes,
    escalation: row.escalate_after_minutes === null || !row.escalation_channels.length
      ? null
      : { afterMinutes: row.escalate_after_minutes, channels: row.escalation_channels },
  };
}

/**
 * The incident's checks, each once (its latest delivery, as `website.checks` reads them);
 * `where`: more conditions.
 */
function checksDuring(incident: Incident, columns = CHECK_COLUMNS, where: Sql = sql``) {
  const start = Math.floor(incident.startedAt / 1000);
  const end = Math.ceil((incident.resolvedAt ?? Date.now()) / 1000);
  return sql`SELECT ${columns} FROM checks
    WHERE website_id = ${literal.uuid(incident.websiteId)}
      AND scheduled_at >= ${literal.dateTime(new Date((start - SCHEDULED_BEFORE_SECONDS) * 1000))}
      AND scheduled_at <= ${literal.dateTime(new Date(end * 1000))}
      AND checked_at >= ${literal.dateTime(new Date(start * 1000))}
      AND checked_at <= ${literal.dateTime(new Date(end * 1000))} ${where}
    ORDER BY scheduled_at DESC, region_id DESC, checked_at DESC
    LIMIT 1 BY scheduled_at, region_id`;
}

async function regionSpans(services: Services, incident: Incident): Promise<RegionSpan[]> {
  const rows = await services.ch.rows<{
    region_id: string;
    checks: number | string;
    failed: number | string;
    first_failure: number | string;
    last_failure: number | string;
  }>(
    sql`SELECT region_id, count() AS checks, countIf(outcome = 'down') AS failed,
        minIf(toUInt32(checked_at), outcome = 'down') AS first_failure,
        maxIf(toUInt32(checked_at), outcome = 'down') AS last_failure
      FROM (${checksDuring(incident, sql`region_id, scheduled_at, checked_at, outcome`)})
      GROUP BY region_id
      ORDER BY failed DESC, region_id`,
  );
  const spans = rows.map((row): RegionSpan => {
    const failed = Number(row.failed);
    return {
      region: row.region_id,
      checks: Number(row.checks),
      failed,
      firstFailureAt: failed ? Number(row.first_failure) * 1000 : null,
      lastFailureAt: failed ? Number(row.last_failure) * 1000 : null,
    };
  });
  // A region the incident names whose checks are gone (past retention) still shows.
  for (const region of incident.regions) {
    if (!spans.some((span) => span.region === region)) {
      spans.push({ region, checks: 0, failed: 0, firstFailureAt: null, lastFailureAt: null });
    }
  }
  return spans;
}

/** One more than a page, from the cursor on, to tell whether there is another. */
function failedChecks(
  services: Services,
  incident: Incident,
  after: { scheduledAt: number; region: string } | null,
): Promise<CheckColumns[]> {
  return services.ch.rows<CheckColumns>(
    sql`SELECT * FROM (${checksDuring(incident, CHECK_COLUMNS, olderThan(after))})
      WHERE outcome = 'down'
      ORDER BY scheduled DESC, region_id DESC
      LIMIT ${literal.int(FAILURES_SHOWN + 1)}`,
  );
}

async function incidentAlerts(services: Services, incidentId: string): Promise<IncidentAlert[]> {
  const rows = await services.readSql`
    select d.channel_id, c.name, c.kind, d.event_type, (d.event->>'count')::int as reminder,
      d.status, d.attempts, d.last_error,
      round(extract(epoch from d.created_at) * 1000)::float8 as created_at,
      round(extract(epoch from d.delivered_at) * 1000)::float8 as delivered_at,
      round(extract(epoch from d.updated_at) * 1000)::float8 as updated_at,
      round(extract(epoch from d.next_attempt_at) * 1000)::float8 as next_attempt_at
    from notification_deliveries d
    join notification_channels c on c.id = d.channel_id
    where d.incident_id = ${incidentId}
    order by d.created_at, c.name, d.id`;
  return rows.map((row): IncidentAlert => ({
    channelId: row.channel_id,
    channelName: row.name,
    channelKind: row.kind,
    event: row.event_type,
    reminder: row.reminder,
    status: row.status,
    attempts: row.attempts,
    error: row.status === "delivered" ? null : row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
    updatedAt: row.updated_at,
    nextAttemptAt: row.status === "pending" ? row.next_attempt_at : null,
  }));
}
