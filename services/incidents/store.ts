/** Reading incidents from Postgres, and the shape the API returns. */
import { targetHostname } from "../../lib/target_host.ts";
import type postgres from "postgres";
import type { Actor } from "../context.ts";
import { notFound } from "../errors.ts";

export interface Incident {
  id: string;
  websiteId: string;
  /** The monitor's name, or its host when it has none. */
  websiteName: string;
  /** Epoch milliseconds, like every timestamp the API returns. */
  startedAt: number;
  /** Null while the incident is ongoing. */
  resolvedAt: number | null;
  /** Until resolved, or until now while ongoing. */
  durationMs: number;
  /** Every region that failed during the incident, and how many the monitor had. */
  regions: string[];
  totalRegions: number;
  /** The first failure of the outage. */
  cause: { errorKind: string; errorMessage: string; httpStatus: number };
  acknowledgedAt: number | null;
  /**
   * Who acknowledged it: their name, or their email when they have none; "someone with an
   * alert's link" when it was acknowledged with an alert's Acknowledge link, signed out.
   */
  acknowledgedBy: string | null;
  /** Who resolved it by hand, named as `acknowledgedBy`; null when its checks passed again. */
  resolvedBy: string | null;
  /** When nobody had acknowledged it in time and its monitor's escalation channels were alerted. */
  escalatedAt: number | null;
  /** Who escalated it by hand ("Escalate now"), named as `acknowledgedBy`; null when its time came. */
  escalatedBy: string | null;
}

/**
 * The columns {@link toIncident} reads. Timestamps come as epoch milliseconds: the raw
 * client shares drizzle's connection, which leaves timestamps unparsed.
 */
export const incidentColumns = (sql: postgres.Sql) =>
  sql`i.id, i.website_id, w.name as website_name, w.url as website_url,
      round(extract(epoch from i.started_at) * 1000)::float8 as started_at,
      round(extract(epoch from i.resolved_at) * 1000)::float8 as resolved_at,
      i.regions, i.total_regions, i.cause_error_kind, i.cause_error_message,
      i.cause_http_status,
      round(extract(epoch from i.acknowledged_at) * 1000)::float8 as acknowledged_at,
      coalesce(u.name, u.email,
        case i.acknowledged_via when 'link' then 'someone with an alert''s link'
          when 'call' then 'whoever answered an alert''s phone call' end
      ) as acknowledged_by,
      coalesce(r.name, r.email) as resolved_by,
      round(extract(epoch from i.escalated_at) * 1000)::float8 as escalated_at,
      coalesce(e.name, e.email) as escalated_by`;

export const incidentJoins = (sql: postgres.Sql) =>
  sql`incidents i join websites w on w.id = i.website_id
      left join users u on u.id = i.acknowledged_by
      left join users r on r.id = i.resolved_by
      left join users e on e.id = i.escalated_by`;

export function toIncident(row: postgres.Row, now = Date.now()): Incident {
  const startedAt: number = row.started_at;
  const resolvedAt: number | null = row.resolved_at;
  return {
    id: row.id,
    websiteId: row.website_id,
    websiteName: row.website_name ?? hostnameOf(row.website_url),
    startedAt,
    resolvedAt,
    durationMs: Math.max(0, (resolvedAt ?? now) - startedAt),
    regions: row.regions,
    totalRegions: row.total_regions,
    cause: {
      errorKind: row.cause_error_kind,
      errorMessage: row.cause_error_message,
      httpStatus: row.cause_http_status,
    },
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by ?? null,
    resolvedBy: row.resolved_by ?? null,
    escalatedAt: row.escalated_at ?? null,
    escalatedBy: row.escalated_by ?? null,
  };
}

/**
 * The actor's incident with this id; another user's is "not found", like a missing one.
 * `sql`: `services.readSql` for a read, `services.sql` after a write.
 */
export async function ownedIncident(
  sql: postgres.Sql,
  actor: Actor,
  id: string,
): Promise<Incident> {
  const [row] = await sql`select ${incidentColumns(sql)} from ${incidentJoins(sql)}
    where i.id = ${id} and w.owner_id = ${actor.accountId}`;
  if (!row) throw notFound("Incident");
  return toIncident(row);
}

/**
 * The columns {@link incidentEventFacts} reads, of `incidents i` joined to `websites w`
 * (as they appear in a RETURNING list too).
 */
export const incidentEventColumns = (sql: postgres.Sql | postgres.TransactionSql) =>
  sql`i.id, i.website_id, w.owner_id, w.name, w.url, i.regions, i.total_regions,
      i.cause_error_kind, i.cause_error_message, i.cause_http_status,
      round(extract(epoch from i.started_at) * 1000)::float8 as started_at`;

/** What every event about an incident (lib/incident_event.ts) says of it and its monitor. */
export function incidentEventFacts(row: postgres.Row) {
  return {
    incidentId: row.id as string,
    websiteId: row.website_id as string,
    ownerId: row.owner_id as string,
    websiteName: ((row.name as string | null) ?? hostnameOf(row.url)).slice(0, 200),
    url: row.url as string,
    failingRegions: row.regions as string[],
    totalRegions: row.total_regions as number,
    cause: {
      errorKind: row.cause_error_kind as string,
      errorMessage: (row.cause_error_message as string).slice(0, 1000),
      httpStatus: row.cause_http_status as number,
    },
    startedAt: row.started_at as number,
  };
}

export function hostnameOf(url: string): string {
  return targetHostname(url) ?? "Website";
}
