/**
 * Incident history for public status pages: when each outage started and ended, which
 * monitor it hit and what the owner told customers about it, built field by field.
 * Nothing else leaves: no error text (it can hold internal hostnames and addresses), no
 * regions, no acknowledgements, no authors of updates.
 */
import type { Services } from "../context.ts";
import { hostnameOf } from "./store.ts";
import { updatesOf, type UpdateStatus } from "./updates.ts";

export interface PublicIncident {
  id: string;
  websiteId: string;
  monitorName: string;
  /** Epoch milliseconds. */
  startedAt: number;
  /** Null while ongoing. */
  resolvedAt: number | null;
  /** Until resolved, or until now while ongoing. */
  durationMs: number;
  /** What the owner told customers, newest first: status, words and time only. */
  updates: { status: UpdateStatus; message: string; createdAt: number }[];
}

const MAX_INCIDENTS = 100;

/** Incidents of these monitors that were ongoing at or after `sinceMs`, newest first. */
export async function publicIncidents(
  services: Services,
  websiteIds: string[],
  sinceMs: number,
): Promise<PublicIncident[]> {
  if (!websiteIds.length) return [];
  const rows = await services.readSql`
    select i.id, i.website_id, w.name, w.url,
      round(extract(epoch from i.started_at) * 1000)::float8 as started_at,
      round(extract(epoch from i.resolved_at) * 1000)::float8 as resolved_at
    from incidents i join websites w on w.id = i.website_id
    where i.website_id = any(${websiteIds}::uuid[])
      and (i.resolved_at is null or i.resolved_at >= to_timestamp(${sinceMs}::float8 / 1000))
    order by i.started_at desc, i.id desc
    limit ${MAX_INCIDENTS}`;
  const updates = await updatesOf(services.readSql, rows.map((row) => row.id));
  const now = Date.now();
  return rows.map((row) => {
    const startedAt: number = row.started_at;
    const resolvedAt: number | null = row.resolved_at;
    return {
      id: row.id,
      websiteId: row.website_id,
      monitorName: row.name ?? hostnameOf(row.url),
      startedAt,
      resolvedAt,
      durationMs: Math.max(0, (resolvedAt ?? now) - startedAt),
      updates: updates.get(row.id)!.map(({ status, message, createdAt }) => ({
        status,
        message,
        createdAt,
      })),
    };
  });
}
