/**
 * Applies a batch of stored check results to the incident state in Postgres before the
 * worker acknowledges the batch. Up results of regions that are settled up, most results
 * on most days, only move the region's last slot, in one statement (settled.ts); the rest
 * are evaluated in one transaction.
 *
 * Each monitor is evaluated under a transaction-scoped advisory lock of its own, taken in
 * a fixed order, so results of several regions arriving at once in different workers are
 * applied one batch after the other and open one incident. Every transition writes its
 * event to `incident_outbox` in the same transaction; the relay (event_relay.ts) puts it
 * on the stream. A worker killed before the commit leaves its tasks unacknowledged: they
 * are checked again and applied then; killed after it, the redelivered slots are ignored
 * (`region_states.last_slot`).
 */
import { hostnameOf } from "../store.ts";
import type postgres from "postgres";
import { type IncidentEvent, incidentEventId } from "../../../lib/incident_event.ts";
import type { CheckRow } from "../../../db/clickhouse/check_row.ts";
import { applySettled } from "./settled.ts";
import { insertIntoOutbox } from "./event_relay.ts";
import { type WindowRow, windowsByWebsite } from "../../../lib/maintenance_window.ts";
import {
  type CheckResult,
  evaluateMonitor,
  type Monitor,
  type OpenIncident,
  type RegionState,
  type Transition,
} from "./transitions.ts";

/** Namespace of the per-monitor advisory locks (the two-key form: its own key space). */
const LOCK_CLASS = 7_307_010;
const MAX_MESSAGE = 1_000;

/** A statement not yet sent (postgres.js sends one when awaited or executed). */
type Statement = postgres.PendingQuery<postgres.Row[]>;

export interface EvaluationSummary {
  results: number;
  /** Results applied by the settled path alone, without the transaction. */
  settled: number;
  /** Events written to the outbox (opened and resolved). */
  events: number;
}

interface NewIncident {
  id: string;
  websiteId: string;
  incident: OpenIncident;
  total: number;
  resolvedAt: number | null;
}

interface MonitorRow extends Monitor {
  id: string;
  ownerId: string;
  /** Null: the host of the URL (worked out only for an event). */
  name: string | null;
  url: string;
}

export async function evaluateStoredResults(
  sql: postgres.Sql,
  rows: CheckRow[],
): Promise<EvaluationSummary> {
  const rest = await applySettled(sql, rows);
  const events = rest.length ? await evaluateInTransaction(sql, rest) : 0;
  return { results: rows.length, settled: rows.length - rest.length, events };
}

/** The full evaluation of these results, in one transaction; returns the events written. */
async function evaluateInTransaction(sql: postgres.Sql, rows: CheckRow[]): Promise<number> {
  const byWebsite = new Map<string, CheckResult[]>();
  for (const row of rows) {
    let list = byWebsite.get(row.website_id);
    if (!list) byWebsite.set(row.website_id, list = []);
    list.push({
      region: row.region_id,
      slot: row.scheduled_at,
      checkedAt: row.checked_at * 1000,
      up: row.outcome === "up",
      cause: {
        errorKind: row.error_kind,
        errorMessage: row.error_message.slice(0, MAX_MESSAGE),
        httpStatus: row.http_status,
      },
    });
  }
  const ids = [...byWebsite.keys()];
  return await sql.begin(async (tx) => {
    // Sorted: two workers locking overlapping monitors take them in the same order.
    const lockKeys = [...new Set(ids.map(lockKey))].sort((a, b) => a - b);
    // Passed as JSON: drizzle's wrapper leaves this client without array and date
    // serializers. The function scan yields the keys in their order.
    // Sent first, the reads right behind it (pipelined: one round trip). Postgres runs them
    // in order, so each read takes its snapshot once the locks are held.
    const locked = tx`select pg_advisory_xact_lock(${LOCK_CLASS}, k::int)
      from jsonb_array_elements_text(${JSON.stringify(lockKeys)}::jsonb) k`.execute();
    const since = Math.min(...rows.map((row) => row.checked_at)) * 1000;
    const [, monitors, states, openIncidents, windows] = await Promise.all([
      locked,
      loadMonitors(tx, ids),
      loadRegionStates(tx, ids),
      loadOpenIncidents(tx, ids),
      loadMaintenanceWindows(tx, ids, since),
    ]);
    const changedStates: ChangedState[] = [];
    const inserts: NewIncident[] = [];
    const updates: { id: string; regions: string[]; resolvedAt: number | null }[] = [];
    const events: IncidentEvent[] = [];
    const at = Date.now();
    for (const [websiteId, results] of byWebsite) {
      const monitor = monitors.get(websiteId);
      // Deleted or paused since the check: a paused monitor raises and resolves nothing.
      if (!monitor) continue;
      const open = openIncidents.get(websiteId) ?? null;
      const outcome = evaluateMonitor(
        { ...monitor, maintenance: windows.get(websiteId) },
        states.get(websiteId) ?? new Map(),
        open,
        results,
      );
      for (const state of outcome.changed.values()) {
        changedStates.push({ websiteId, state, before: states.get(websiteId)?.get(state.region) });
      }
      const created = new Map<OpenIncident, NewIncident>();
      for (const transition of outcome.transitions) {
        const { incident } = transition;
        let id = incident.id;
        if (transition.type === "opened") {
          id = crypto.randomUUID();
          const row = { id, websiteId, incident, total: monitor.regions.length, resolvedAt: null };
          created.set(incident, row);
          inserts.push(row);
        } else if (created.has(incident)) {
          // Opened and resolved within this batch.
          const row = created.get(incident)!;
          row.resolvedAt = transition.at;
          id = row.id;
        } else {
          updates.push({ id: id!, regions: incident.regions, resolvedAt: transition.at });
        }
        events.push(toEvent(transition, id!, monitor, at));
      }
      // Still open, now with more regions affected.
      if (
        open && outcome.open?.id === open.id && outcome.open.regions.length > open.regions.length
      ) {
        updates.push({ id: open.id!, regions: outcome.open.regions, resolvedAt: null });
      }
    }
    // Pipelined as well, in this order: an incident resolved before the next one of its
    // monitor is inserted (one open incident per monitor).
    const writes = [
      ...saveRegionStates(tx, changedStates),
      updateIncidents(tx, updates),
      insertIncidents(tx, inserts),
      insertIntoOutbox(tx, events),
    ];
    await Promise.all(writes.flatMap((write) => write ? [write.execute()] : []));
    return events.length;
  });
}

function updateIncidents(
  tx: postgres.TransactionSql,
  updates: { id: string; regions: string[]; resolvedAt: number | null }[],
): Statement | null {
  if (!updates.length) return null;
  const rows = updates.map((u) => ({
    id: u.id,
    regions: u.regions,
    resolved_at: u.resolvedAt === null ? null : new Date(u.resolvedAt).toISOString(),
  }));
  return tx`update incidents i set
    regions = array(select jsonb_array_elements_text(u.regions)), resolved_at = u.resolved_at
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as u(id uuid, regions jsonb, resolved_at timestamptz)
    where i.id = u.id`;
}

function insertIncidents(
  tx: postgres.TransactionSql,
  inserts: NewIncident[],
): Statement | null {
  if (!inserts.length) return null;
  const rows = inserts.map(({ id, websiteId, incident, total, resolvedAt }) => ({
    id,
    website_id: websiteId,
    started_at: new Date(incident.startedAt).toISOString(),
    resolved_at: resolvedAt === null ? null : new Date(resolvedAt).toISOString(),
    cause_error_kind: incident.cause.errorKind,
    cause_error_message: incident.cause.errorMessage,
    cause_http_status: incident.cause.httpStatus,
    regions: incident.regions,
    total_regions: total,
  }));
  return tx`
    insert into incidents (id, website_id, started_at, resolved_at, cause_error_kind,
      cause_error_message, cause_http_status, regions, total_regions)
    select id, website_id, started_at, resolved_at, cause_error_kind, cause_error_message,
      cause_http_status, array(select jsonb_array_elements_text(regions)), total_regions
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id uuid, website_id uuid,
      started_at timestamptz, resolved_at timestamptz, cause_error_kind text,
      cause_error_message text, cause_http_status int, regions jsonb, total_regions int)`;
}

/** A 32-bit key per monitor; two monitors sharing one only wait for each other. */
function lockKey(websiteId: string): number {
  return parseInt(websiteId.slice(0, 8), 16) | 0;
}

/**
 * Takes the monitor's evaluation lock for the rest of the transaction: a change to its
 * incident outside the evaluation (a person resolving it) runs wholly before or after
 * any evaluation of its results.
 */
export async function lockMonitor(tx: postgres.TransactionSql, websiteId: string) {
  await tx`select pg_advisory_xact_lock(${LOCK_CLASS}, ${lockKey(websiteId)}::int)`;
}

async function loadMonitors(tx: postgres.TransactionSql, ids: string[]) {
  const rows = await tx`
    select id, owner_id, name, url, regions, confirmations, quorum
    from websites where id = any(${ids}::uuid[]) and active`;
  return new Map(rows.map((row): [string, MonitorRow] => [row.id, {
    id: row.id,
    ownerId: row.owner_id,
    name: row.name,
    url: row.url,
    regions: row.regions,
    confirmations: row.confirmations,
    quorum: row.quorum,
  }]));
}

/**
 * The monitors' maintenance windows from `since` (epoch ms) to now, and those that ended in
 * the three days before: an outage that began in one is dated from its end, and the first
 * result after it comes within a check interval (at most a day, plus a heartbeat's grace).
 */
async function loadMaintenanceWindows(tx: postgres.TransactionSql, ids: string[], since: number) {
  const rows = await tx<WindowRow[]>`
    select mw.website_id, round(extract(epoch from m.starts_at) * 1000)::float8 as starts_at,
           round(extract(epoch from m.ends_at) * 1000)::float8 as ends_at
    from maintenance_websites mw join maintenances m on m.id = mw.maintenance_id
    where mw.website_id = any(${ids}::uuid[]) and m.starts_at <= now()
      and m.ends_at > to_timestamp(${since / 1000}) - interval '3 days'`;
  return windowsByWebsite(rows);
}

async function loadRegionStates(tx: postgres.TransactionSql, ids: string[]) {
  const rows = await tx`
    select website_id, region, last_slot, failures, successes, failing,
           round(extract(epoch from streak_started_at) * 1000)::float8 as streak_started_at,
           streak_error_kind, streak_error_message, streak_http_status
    from region_states where website_id = any(${ids}::uuid[])
    order by website_id, region
    for update`; // in the order settled.ts locks them: see there
  const byWebsite = new Map<string, Map<string, RegionState>>();
  for (const row of rows) {
    let states = byWebsite.get(row.website_id);
    if (!states) byWebsite.set(row.website_id, states = new Map());
    states.set(row.region, {
      region: row.region,
      lastSlot: Number(row.last_slot),
      failures: row.failures,
      successes: row.successes,
      failing: row.failing,
      streakStartedAt: row.streak_started_at,
      streakCause: row.streak_error_kind === null ? null : {
        errorKind: row.streak_error_kind,
        errorMessage: row.streak_error_message ?? "",
        httpStatus: row.streak_http_status ?? 0,
      },
    });
  }
  return byWebsite;
}

async function loadOpenIncidents(tx: postgres.TransactionSql, ids: string[]) {
  const rows = await tx`
    select id, website_id, round(extract(epoch from started_at) * 1000)::float8 as started_at, cause_error_kind,
           cause_error_message,
           cause_http_status, regions
    from incidents where website_id = any(${ids}::uuid[]) and resolved_at is null`;
  return new Map(rows.map((row): [string, OpenIncident] => [row.website_id, {
    id: row.id,
    startedAt: row.started_at,
    cause: {
      errorKind: row.cause_error_kind,
      errorMessage: row.cause_error_message,
      httpStatus: row.cause_http_status,
    },
    regions: row.regions,
  }]));
}

interface ChangedState {
  websiteId: string;
  state: RegionState;
  /** As loaded; undefined for a region's first result. */
  before: RegionState | undefined;
}

/**
 * At most three statements for every changed region state of the batch (rows passed as
 * JSON). Most results only move a settled region's last slot forward: those rows get the
 * narrowest update; other existing rows a plain update; new ones an insert.
 */
function saveRegionStates(
  tx: postgres.TransactionSql,
  changed: ChangedState[],
): Statement[] {
  const statements: Statement[] = [];
  const slotOnly: [string, string, number][] = [];
  const updated: Record<string, unknown>[] = [];
  const inserted: Record<string, unknown>[] = [];
  for (const { websiteId, state, before } of changed) {
    if (before && sameStreak(before, state)) {
      slotOnly.push([websiteId, state.region, state.lastSlot]);
      continue;
    }
    (before ? updated : inserted).push({
      website_id: websiteId,
      region: state.region,
      last_slot: state.lastSlot,
      failures: state.failures,
      successes: state.successes,
      failing: state.failing,
      streak_started_at: state.streakStartedAt === null
        ? null
        : new Date(state.streakStartedAt).toISOString(),
      streak_error_kind: state.streakCause?.errorKind ?? null,
      streak_error_message: state.streakCause?.errorMessage ?? null,
      streak_http_status: state.streakCause?.httpStatus ?? null,
    });
  }
  if (slotOnly.length) {
    statements.push(tx`update region_states r set last_slot = (u->>2)::bigint
      from jsonb_array_elements(${JSON.stringify(slotOnly)}::jsonb) u
      where r.website_id = (u->>0)::uuid and r.region = u->>1`);
  }
  const columns = tx`website_id uuid, region text, last_slot bigint, failures int,
    successes int, failing bool, streak_started_at timestamptz, streak_error_kind text,
    streak_error_message text, streak_http_status int`;
  if (updated.length) {
    statements.push(tx`update region_states r set last_slot = u.last_slot, failures = u.failures,
        successes = u.successes, failing = u.failing, streak_started_at = u.streak_started_at,
        streak_error_kind = u.streak_error_kind, streak_error_message = u.streak_error_message,
        streak_http_status = u.streak_http_status
      from jsonb_to_recordset(${JSON.stringify(updated)}::jsonb) as u(${columns})
      where r.website_id = u.website_id and r.region = u.region`);
  }
  if (inserted.length) {
    // Under the monitor's lock no one else inserts these rows; the conflict clause is
    // there for a state written by a worker that held the lock before this one.
    statements.push(tx`
      insert into region_states (website_id, region, last_slot, failures, successes, failing,
        streak_started_at, streak_error_kind, streak_error_message, streak_http_status)
      select * from jsonb_to_recordset(${JSON.stringify(inserted)}::jsonb) as r(${columns})
      on conflict (website_id, region) do update set
        last_slot = excluded.last_slot, failures = excluded.failures,
        successes = excluded.successes, failing = excluded.failing,
        streak_started_at = excluded.streak_started_at,
        streak_error_kind = excluded.streak_error_kind,
        streak_error_message = excluded.streak_error_message,
        streak_http_status = excluded.streak_http_status`);
  }
  return statements;
}

/** Whether only the last slot moved (a settled region confirmed once more). */
function sameStreak(a: RegionState, b: RegionState): boolean {
  return a.failures === b.failures && a.successes === b.successes &&
    a.failing === b.failing && a.streakStartedAt === b.streakStartedAt &&
    a.streakCause?.errorKind === b.streakCause?.errorKind &&
    a.streakCause?.errorMessage === b.streakCause?.errorMessage &&
    a.streakCause?.httpStatus === b.streakCause?.httpStatus;
}

function toEvent(
  transition: Transition,
  incidentId: string,
  monitor: MonitorRow,
  at: number,
): IncidentEvent {
  return {
    id: incidentEventId(incidentId, transition.type),
    type: transition.type,
    incidentId,
    websiteId: monitor.id,
    ownerId: monitor.ownerId,
    websiteName: (monitor.name ?? hostnameOf(monitor.url)).slice(0, 200),
    url: monitor.url,
    failingRegions: transition.regions,
    totalRegions: monitor.regions.length,
    cause: transition.incident.cause,
    startedAt: transition.incident.startedAt,
    resolvedAt: transition.type === "resolved" ? transition.at : null,
    resolvedBy: null,
    at,
  };
}
