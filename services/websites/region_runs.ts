/**
 * Each region's current run of one outcome ("up since 14:02", "down since 09:15") and its
 * latest check, from ClickHouse: the detail page's "since when".
 *
 * Two small queries instead of a window function (ClickHouse 18.16 has none): the newest
 * check of each outcome per region says which outcome is current and when the other one
 * last happened; the first check after that is where the current run began. Both read
 * only the website's own granules, and no further back than the retention.
 */
import { literal, sql } from "../../db/clickhouse/sql.ts";
import type { RegionRun } from "../../lib/monitor_status.ts";
import type { Actor, Services } from "../context.ts";
import { ownedWebsite } from "./store.ts";

export interface RegionLatest extends RegionRun {
  /** Epoch ms of the newest check. */
  scheduledAt: number;
  checkedAt: number;
  responseMs: number;
  httpStatus: number;
  /** Up, but slower than the monitor's degraded threshold. */
  degraded: boolean;
}

interface OutcomeRow {
  region: string;
  outcome: "up" | "down";
  first: number | string;
  last: number | string;
  checked: number | string;
  ms: number | string;
  slow: number | string;
  status: number | string;
}

export async function websiteRegionRuns(
  services: Services,
  actor: Actor,
  input: { id: string },
): Promise<RegionLatest[]> {
  const website = await ownedWebsite(services.readDb, actor, input.id);
  const id = literal.uuid(website.id);
  const since = literal.dateTime(
    new Date(Date.now() - services.config.retentionDays * 86_400_000),
  );
  const rows = await services.ch.rows<OutcomeRow>(
    sql`SELECT region_id AS region, toString(outcome) AS outcome,
       toUInt32(min(scheduled_at)) AS first, toUInt32(max(scheduled_at)) AS last,
       argMax(toUInt32(checked_at), scheduled_at) AS checked,
       argMax(response_ms, scheduled_at) AS ms, argMax(http_status, scheduled_at) AS status,
       argMax(degraded, scheduled_at) AS slow
     FROM checks WHERE website_id = ${id} AND scheduled_at >= ${since}
     GROUP BY region, outcome`,
  );

  const byRegion = new Map<string, { current: OutcomeRow; other?: OutcomeRow }>();
  for (const row of rows) {
    const seen = byRegion.get(row.region);
    if (!seen) byRegion.set(row.region, { current: row });
    else if (Number(row.last) > Number(seen.current.last)) {
      byRegion.set(row.region, { current: row, other: seen.current });
    } else seen.other = row;
  }

  const changed = [...byRegion].filter(([, runs]) => runs.other);
  const starts = new Map<string, number>();
  if (changed.length) {
    const after = sql.join(
      changed.map(([region, runs]) =>
        sql`(region_id = ${literal.string(region)} AND scheduled_at > ${
          literal.dateTime(new Date(Number(runs.other!.last) * 1000))
        })`
      ),
      sql` OR `,
    );
    const firsts = await services.ch.rows<{ region: string; first: number | string }>(
      sql`SELECT region_id AS region, toUInt32(min(scheduled_at)) AS first
       FROM checks WHERE website_id = ${id} AND (${after}) GROUP BY region`,
    );
    for (const row of firsts) starts.set(row.region, Number(row.first));
  }

  // A pause breaks every run: after it, "up since" counts from the resume at the earliest.
  const resumedAt = website.resumedAt?.getTime() ?? 0;
  return [...byRegion].map(([region, { current }]) => ({
    region,
    outcome: current.outcome,
    since: Math.max((starts.get(region) ?? Number(current.first)) * 1000, resumedAt),
    scheduledAt: Number(current.last) * 1000,
    checkedAt: Number(current.checked) * 1000,
    responseMs: Number(current.ms),
    httpStatus: Number(current.status),
    degraded: Number(current.slow) === 1,
  })).sort((a, b) => a.region.localeCompare(b.region));
}
