/**
 * The common case without a transaction: an up result for a region that is settled up,
 * of a monitor with no failing region and no open incident. Such a result changes nothing
 * but the region's last applied slot (which keeps a later redelivery or a late check from
 * counting), so one statement moves that slot for the whole batch; every result it did not
 * apply goes through the full evaluation (evaluate.ts).
 *
 * Why this is the same as the full evaluation:
 * - Settled up means not failing and no failure or success counted (transitions.ts counts
 *   successes only on a failing region's way back): an up result leaves all of it as it
 *   is. With no failing region the monitor is not down, whatever its quorum, and with no
 *   open incident it has nothing to resolve or widen, so no transition follows.
 * - The full evaluation locks the region rows it reads (`for update`, after the monitor's
 *   advisory lock). The statement here locks the rows it moves, so it runs either wholly
 *   before such a transaction (which then reads the new slot) or after it, and then checks
 *   the row again as that transaction left it: a region it made failing, or whose slot it
 *   moved past this result, is no longer matched and its result takes the full way.
 * - Rows are locked in (website, region) order, as the full evaluation locks them: two
 *   workers moving overlapping rows wait for each other instead of deadlocking.
 */
import type postgres from "postgres";
import type { CheckRow } from "../../../db/clickhouse/check_row.ts";

interface SettledCandidate {
  websiteId: string;
  region: string;
  /** The newest slot of this region's results in the batch (all of them up). */
  slot: number;
}

/**
 * Applies what the settled path can of a batch; returns the results left for the full
 * evaluation: every result of a monitor with a result other than up in the batch, and
 * those of regions that are not settled (or were not yet seen).
 */
export async function applySettled(sql: postgres.Sql, rows: CheckRow[]): Promise<CheckRow[]> {
  const notUp = new Set<string>();
  for (const row of rows) if (row.outcome !== "up") notUp.add(row.website_id);
  // By region, then website: a worker's batch is of its own region.
  const newest = new Map<string, Map<string, SettledCandidate>>();
  const candidates: SettledCandidate[] = [];
  const others: CheckRow[] = [];
  for (const row of rows) {
    if (notUp.has(row.website_id)) {
      others.push(row);
      continue;
    }
    let byWebsite = newest.get(row.region_id);
    if (!byWebsite) newest.set(row.region_id, byWebsite = new Map());
    const candidate = byWebsite.get(row.website_id);
    if (candidate) candidate.slot = Math.max(candidate.slot, row.scheduled_at);
    else {
      const added = { websiteId: row.website_id, region: row.region_id, slot: row.scheduled_at };
      byWebsite.set(row.website_id, added);
      candidates.push(added);
    }
  }
  const missed = new Set((await moveSettledSlots(sql, candidates)).map((i) => candidates[i]));
  if (!missed.size) return others;
  const isMissed = (row: CheckRow) => {
    const candidate = newest.get(row.region_id)?.get(row.website_id);
    return candidate !== undefined && missed.has(candidate);
  };
  return [...others, ...rows.filter(isMissed)];
}

/**
 * Moves the last slot of every candidate that is settled up; returns the positions (in
 * `candidates`) of those it did not move.
 */
async function moveSettledSlots(
  sql: postgres.Sql,
  candidates: SettledCandidate[],
): Promise<number[]> {
  if (!candidates.length) return [];
  // Array literals built here: one text parameter each, parsed by Postgres in one go.
  const rows = await sql`
    with input as materialized (
      select u.website_id, u.region, u.slot, u.n::int as n
      from unnest(${uuidArray(candidates)}::uuid[], ${regionArray(candidates)}::text[],
        ${slotArray(candidates)}::bigint[]) with ordinality as u(website_id, region, slot, n)
    ), settled as materialized (
      select r.website_id, r.region, i.slot, i.n
      from input i
      join region_states r on r.website_id = i.website_id and r.region = i.region
      where r.last_slot < i.slot and r.failures = 0 and r.successes = 0 and not r.failing
        and not exists (select 1 from region_states f
          where f.website_id = i.website_id and f.failing)
        and not exists (select 1 from incidents o
          where o.website_id = i.website_id and o.resolved_at is null)
      order by r.website_id, r.region
      for update of r
    ), moved as (
      update region_states r set last_slot = s.slot from settled s
      where r.website_id = s.website_id and r.region = s.region
      returning s.n
    )
    select n from input where n not in (select n from moved)`;
  return rows.map((row) => row.n - 1);
}

function uuidArray(candidates: SettledCandidate[]): string {
  return `{${candidates.map((c) => c.websiteId).join(",")}}`;
}

function regionArray(candidates: SettledCandidate[]): string {
  const quoted = new Map<string, string>();
  const quote = (region: string) => {
    let text = quoted.get(region);
    if (text === undefined) quoted.set(region, text = `"${region.replace(/["\\]/g, "\\$&")}"`);
    return text;
  };
  return `{${candidates.map((c) => quote(c.region)).join(",")}}`;
}

function slotArray(candidates: SettledCandidate[]): string {
  return `{${candidates.map((c) => Math.trunc(c.slot)).join(",")}}`;
}
