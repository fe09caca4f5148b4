/**
 * Updates: what the owner tells customers about an incident in their own words
 * ("Investigating: we are looking into slow checkouts"), shown under the incident on the
 * status pages of its monitor, newest first. This module reads them; post_update.ts and
 * delete_update.ts change them. An update may follow the end of an incident, for what was
 * found.
 */
import type postgres from "postgres";
import { UPDATE_STATUSES } from "./schemas.ts";

export type UpdateStatus = typeof UPDATE_STATUSES[number];

/** How each status reads on the pages. */
export const UPDATE_STATUS_WORDS: Record<UpdateStatus, string> = {
  investigating: "Investigating",
  identified: "Identified",
  monitoring: "Monitoring",
  update: "Update",
};

/** Plenty for one outage; a bound on what one status page draws. */
export const MAX_UPDATES = 100;

export interface IncidentUpdate {
  id: string;
  incidentId: string;
  status: UpdateStatus;
  message: string;
  /** Epoch ms. */
  createdAt: number;
  /** Who posted it (name, or email without one); null once they are deleted. Not public. */
  author: string | null;
}

/** The updates of these incidents, each list newest first. */
export async function updatesOf(
  sql: postgres.Sql,
  incidentIds: string[],
): Promise<Map<string, IncidentUpdate[]>> {
  const byIncident = new Map<string, IncidentUpdate[]>(incidentIds.map((id) => [id, []]));
  if (!incidentIds.length) return byIncident;
  const rows = await sql`${selectUpdates(sql)}
    where u.incident_id = any(${incidentIds}::uuid[])
    order by u.created_at desc, u.id desc`;
  for (const row of rows) byIncident.get(row.incident_id)?.push(toUpdate(row));
  return byIncident;
}

/** The columns {@link toUpdate} reads, of `incident_updates` named `u`. */
export const updateColumns = (sql: postgres.Sql | postgres.TransactionSql) =>
  sql`u.id, u.incident_id, u.status, u.message,
      round(extract(epoch from u.created_at) * 1000)::float8 as created_at`;

/** Updates with their authors, as {@link toUpdate} reads them; a `where` follows. */
export const selectUpdates = (sql: postgres.Sql | postgres.TransactionSql) =>
  sql`select ${updateColumns(sql)}, coalesce(a.name, a.email) as author
    from incident_updates u left join users a on a.id = u.author_id`;

export function toUpdate(row: postgres.Row): IncidentUpdate {
  return {
    id: row.id,
    incidentId: row.incident_id,
    status: row.status,
    message: row.message,
    createdAt: row.created_at,
    author: row.author ?? null,
  };
}
