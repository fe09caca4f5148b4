/**
 * The actor's incidents, newest first, optionally of one monitor, paged by keyset: the
 * cursor is the (start, id) of the last incident on the page, so pages never repeat or
 * skip one while new incidents open.
 */
import { z } from "zod";
import type { Actor, Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import { ownedWebsite } from "../websites/store.ts";
import type { ListIncidentsInput } from "./schemas.ts";
import { type Incident, incidentColumns, incidentJoins, toIncident } from "./store.ts";

export const INCIDENTS_PER_PAGE = 50;

export interface IncidentPage {
  incidents: Incident[];
  /** Pass back for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

const position = z.tuple([z.number().int().min(0), z.uuid()]);

export function encodeCursor(startedAt: number, id: string): string {
  return btoa(JSON.stringify([startedAt, id]))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeCursor(cursor: string): { startedAt: number; id: string } {
  try {
    const [startedAt, id] = position.parse(
      JSON.parse(atob(cursor.replace(/-/g, "+").replace(/_/g, "/"))),
    );
    return { startedAt, id };
  } catch {
    throw new DomainError("BAD_REQUEST", "cursor: not a valid cursor");
  }
}

/** How many of these monitors (the actor's) have an incident that has not ended. */
export async function countOngoing(
  services: Services,
  actor: Actor,
  websiteIds: string[],
): Promise<number> {
  if (!websiteIds.length) return 0;
  const [{ count }] = await services.readSql`
    select count(distinct i.website_id)::int as count
    from incidents i join websites w on w.id = i.website_id
    where w.owner_id = ${actor.accountId} and i.website_id = any(${websiteIds}::uuid[])
      and i.resolved_at is null`;
  return count;
}

export async function listIncidents(
  services: Services,
  actor: Actor,
  input: ListIncidentsInput,
): Promise<IncidentPage> {
  const after = input?.cursor === undefined ? null : decodeCursor(input.cursor);
  if (input?.websiteId) await ownedWebsite(services.readDb, actor, input.websiteId);
  const sql = services.readSql;
  const rows = await sql`
    select ${incidentColumns(sql)} from ${incidentJoins(sql)}
    where w.owner_id = ${actor.accountId}
      ${input?.websiteId ? sql`and i.website_id = ${input.websiteId}` : sql``}
      ${
    after
      ? sql`and (i.started_at, i.id) < (to_timestamp(${after.startedAt}::float8 / 1000), ${after.id}::uuid)`
      : sql``
  }
    order by i.started_at desc, i.id desc
    limit ${INCIDENTS_PER_PAGE + 1}`;
  const now = Date.now();
  const incidents = rows.slice(0, INCIDENTS_PER_PAGE).map((row) => toIncident(row, now));
  const last = incidents.at(-1);
  return {
    incidents,
    nextCursor: rows.length > INCIDENTS_PER_PAGE && last
      ? encodeCursor(last.startedAt, last.id)
      : null,
  };
}
