/**
 * `website.checks`: the latest checks, newest first, one per region and scheduled time
 * (a redelivered check shows once, as its last delivery), paged by keyset: the cursor
 * is the (scheduled time, region) of the last check on the page, so a page never
 * repeats or skips a check even while new ones arrive.
 *
 * A page looks back a day first and widens only when that holds too few checks: the
 * sort key leads with the website, so a bounded time range reads a few granules, where
 * the whole history of a busy website is a million rows.
 */
import { z } from "zod";
import { literal, type Sql, sql } from "../../db/clickhouse/sql.ts";
import type { Actor, Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import type { ChecksInput } from "./schemas.ts";
import { ownedWebsite } from "./store.ts";

export interface Check {
  region: string;
  /** Epoch milliseconds. */
  scheduledAt: number;
  checkedAt: number;
  outcome: "up" | "down";
  httpStatus: number;
  responseMs: number;
  errorKind: string;
  errorMessage: string;
  /** Up, but slower than the website's degraded threshold. */
  degraded: boolean;
  /** Checked while the monitor was under maintenance: counted in no uptime. */
  maintenance: boolean;
  /** Where the time went; `responseMs` is the total. Zero for results without timings. */
  timings: { dnsMs: number; connectMs: number; tlsMs: number; ttfbMs: number };
  /** Days left on the TLS certificate; null without TLS. */
  certDaysLeft: number | null;
  /** Of an answer that failed the check: its status, headers and start of the body; "" otherwise. */
  response: string;
}

export interface ChecksPage {
  checks: Check[];
  /** Pass back for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

interface Position {
  scheduledAt: number;
  region: string;
}

const position = z.tuple([z.number().int().min(0).max(2 ** 32 - 1), z.string().max(64)]);

export function encodeCursor(at: Position): string {
  return btoa(JSON.stringify([at.scheduledAt, at.region]))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeCursor(cursor: string): Position {
  try {
    const json = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    const [scheduledAt, region] = position.parse(JSON.parse(json));
    return { scheduledAt, region };
  } catch {
    throw new DomainError("BAD_REQUEST", "cursor: not a valid cursor");
  }
}

/** The columns {@link toCheck} reads. */
export const CHECK_COLUMNS = sql`region_id, toUInt32(scheduled_at) AS scheduled,
  toUInt32(checked_at) AS checked, outcome, http_status, response_ms, error_kind, error_message,
  dns_ms, connect_ms, tls_ms, ttfb_ms, cert_days_left, degraded, maintenance`;

export interface CheckColumns {
  region_id: string;
  scheduled: number | string;
  checked: number | string;
  outcome: "up" | "down";
  http_status: number;
  response_ms: number;
  error_kind: string;
  error_message: string;
  dns_ms: number;
  connect_ms: number;
  tls_ms: number;
  ttfb_ms: number;
  cert_days_left: number | null;
  degraded: number;
  maintenance: number;
}

export async function websiteChecks(
  services: Services,
  actor: Actor,
  input: ChecksInput,
): Promise<ChecksPage> {
  const after = input.cursor === undefined ? null : decodeCursor(input.cursor);
  const website = await ownedWebsite(services.readDb, actor, input.id);
  const rows = await newestChecks(services, website.id, after, input.limit + 1);
  const page = checksPage(rows, input.limit);
  return { ...page, checks: await withResponses(services, website.id, page.checks) };
}

/**
 * The checks with the answers that failed them (`response`), read for just these down
 * checks: by the sort key, so a monitor failing for weeks reads no more than the page.
 */
export async function withResponses(
  services: Services,
  websiteId: string,
  checks: Check[],
): Promise<Check[]> {
  const down = checks.filter((check) => check.outcome === "down");
  if (!down.length) return checks;
  const times = [...new Set(down.map((check) => check.scheduledAt))];
  const rows = await services.ch.rows<
    { region_id: string; scheduled: number | string; response: string }
  >(
    sql`SELECT region_id, toUInt32(scheduled_at) AS scheduled,
        argMax(response, checked_at) AS response
      FROM checks
      WHERE website_id = ${literal.uuid(websiteId)}
        AND scheduled_at IN ${literal.list(times, (ms) => literal.dateTime(new Date(ms)))}
        AND outcome = 'down'
      GROUP BY region_id, scheduled_at`,
  );
  const byKey = new Map(
    rows.map((row) => [`${row.region_id}:${Number(row.scheduled) * 1000}`, row.response]),
  );
  return checks.map((check) =>
    check.outcome === "down"
      ? { ...check, response: byKey.get(`${check.region}:${check.scheduledAt}`) ?? "" }
      : check
  );
}

/** A page of `limit` checks, newest first, from up to `limit + 1` rows: one more means a next page. */
export function checksPage(rows: CheckColumns[], limit: number): ChecksPage {
  const checks = rows.slice(0, limit).map(toCheck);
  const last = checks.at(-1);
  return {
    checks,
    nextCursor: rows.length > limit && last
      ? encodeCursor({ scheduledAt: last.scheduledAt / 1000, region: last.region })
      : null,
  };
}

/** `AND` the checks after `after` in newest-first order (scheduled time, then region); `` without one. */
export function olderThan(after: Position | null): Sql {
  if (!after) return sql``;
  const at = literal.dateTime(new Date(after.scheduledAt * 1000));
  return sql`AND (scheduled_at < ${at}
    OR (scheduled_at = ${at} AND region_id < ${literal.string(after.region)}))`;
}

/** How far back a page looks, in turn; the last try is unbounded. */
const LOOK_BACK_SECONDS = [86_400, 7 * 86_400, 31 * 86_400, null];

async function newestChecks(
  services: Services,
  websiteId: string,
  after: Position | null,
  count: number,
): Promise<CheckColumns[]> {
  const before = after?.scheduledAt ?? Math.floor(Date.now() / 1000);
  let rows: CheckColumns[] = [];
  for (const span of LOOK_BACK_SECONDS) {
    const since = span === null || before - span < 0
      ? null
      : sql`AND scheduled_at >= ${literal.dateTime(new Date((before - span) * 1000))}`;
    // LIMIT 1 BY keeps the latest delivery of each check, as ReplacingMergeTree(checked_at)
    // eventually does, without FINAL's merge of every part.
    rows = await services.ch.rows<CheckColumns>(
      sql`SELECT ${CHECK_COLUMNS}
       FROM checks
       WHERE website_id = ${literal.uuid(websiteId)} ${olderThan(after)} ${since ?? sql``}
       ORDER BY scheduled_at DESC, region_id DESC, checked_at DESC
       LIMIT 1 BY scheduled_at, region_id
       LIMIT ${literal.int(count)}`,
    );
    if (rows.length >= count || !since) break;
  }
  return rows;
}

export function toCheck(row: CheckColumns): Check {
  return {
    region: row.region_id,
    scheduledAt: Number(row.scheduled) * 1000,
    checkedAt: Number(row.checked) * 1000,
    outcome: row.outcome,
    httpStatus: Number(row.http_status),
    responseMs: Number(row.response_ms),
    errorKind: row.error_kind,
    errorMessage: row.error_message,
    degraded: Number(row.degraded) === 1,
    maintenance: Number(row.maintenance) === 1,
    timings: {
      dnsMs: Number(row.dns_ms),
      connectMs: Number(row.connect_ms),
      tlsMs: Number(row.tls_ms),
      ttfbMs: Number(row.ttfb_ms),
    },
    certDaysLeft: row.cert_days_left === null ? null : Number(row.cert_days_left),
    response: "",
  };
}
