/**
 * The publisher's schedule, kept in memory: every active website that workers check, and
 * when it is next due. Postgres is read, never written: a full load when this publisher
 * becomes the leader, then at each cycle only the websites that changed since
 * (`website_changes`, written by triggers on `websites` whoever writes). Moving a
 * website to its next slot used to be an update of its row each time it was checked,
 * which cost Postgres more CPU than all the rest of the system's queries together.
 *
 * A website's slots sit on a grid: offset + k × interval epoch seconds (see
 * {@link slotOffset}). A new, resumed or rescheduled website is due at once (the web sets
 * `next_check_at` to now()), off its grid: that first slot is the second it became due,
 * or the next second if a slot of that second was already published (the streams would
 * skip it as a duplicate), and the next one is back on the grid. A website whose slot
 * passed while nobody published (a publisher that was away, or one that just took over)
 * gets only its latest slot; the streams' published-slot record (enqueue.ts) skips a slot
 * already published.
 *
 * The same triggers send `NOTIFY website_changes`. A schedule that listens reads the
 * changes only after one (and every {@link READ_ANYWAY_MS} in case one was lost), so an
 * idle leader costs Postgres nothing a second; one that does not listen reads every cycle.
 */
import type postgres from "postgres";
import { log } from "../lib/logger.ts";
import { Listener, WEBSITE_CHANGES } from "../db/postgres/listener.ts";
import { readRecord, readSealedText } from "../lib/sealed_record.ts";
import type { SecretKey } from "../lib/secret_box.ts";

export interface DueWebsite {
  id: string;
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | null;
  intervalSeconds: number;
  timeoutMs: number;
  regions: string[];
  expectedStatus: number | null;
  keyword: string | null;
  type: "http" | "tcp" | "dns";
  forbiddenKeyword: string | null;
  degradedMs: number | null;
  jsonPath: string | null;
  jsonExpected: string | null;
  /** Why its check cannot run as set (headers no key opens), or null. */
  refusal: string | null;
  /** The latest slot on this website's schedule at or before now, in epoch seconds. */
  slot: number;
}

export interface Defaults {
  intervalSeconds: number;
  timeoutMs: number;
}

/**
 * Where a website's slots fall within its interval, in whole seconds: taken from the
 * first 32 bits of its (random) id, so it is stable across restarts and publishers, and
 * many websites at one interval spread evenly over it instead of coming due together.
 */
export function slotOffset(websiteId: string, intervalSeconds: number): number {
  return parseInt(websiteId.replaceAll("-", "").slice(0, 8), 16) % intervalSeconds;
}

interface Entry {
  website: Omit<DueWebsite, "slot">;
  /** Epoch ms from which it is due. */
  dueAt: number;
  /** `next_check_at` as last read: when the web sets another, the website is due then. */
  setAt: number;
  /** The last slot published, epoch seconds; 0: none yet. */
  lastSlot: number;
}

/** A due website, the slot to publish and where its schedule goes once published. */
export interface Due {
  website: DueWebsite;
  entry: Entry;
  nextDueAt: number;
}

const NO_HEADERS: Record<string, string> = Object.freeze({});

/** A leader that has not read the changes for this long loads everything again. */
const RELOAD_AFTER_MS = 5 * 60_000;
/** How long changes are kept for a leader to read; well beyond {@link RELOAD_AFTER_MS}. */
const KEEP_CHANGES = "10 minutes";
const PRUNE_EVERY_MS = 60_000;
/** A listening schedule reads the changes at least this often, notified or not. */
const READ_ANYWAY_MS = 10_000;

export class Schedule {
  #sql: postgres.Sql;
  #defaults: Defaults;
  #entries = new Map<string, Entry>();
  /**
   * The oldest transaction that may have been running when the schedule last read: every
   * change by an older one is in it. Null: nothing read yet, or reading failed (a
   * Postgres that failed over may number its transactions differently).
   */
  #horizon: string | null = null;
  #readAt = -Infinity;
  #prunedAt = -Infinity;
  #values = new Map<string, unknown>();
  #readAnywayMs: number;
  #secretKeys: readonly SecretKey[];
  #changes: Listener;
  /** A change may have been notified since the last read. */
  #notified = true;

  constructor(
    sql: postgres.Sql,
    defaults: Defaults,
    readAnywayMs = READ_ANYWAY_MS,
    secretKeys: readonly SecretKey[] = [],
  ) {
    this.#sql = sql;
    this.#defaults = defaults;
    this.#secretKeys = secretKeys;
    this.#readAnywayMs = readAnywayMs;
    this.#changes = new Listener(sql, WEBSITE_CHANGES, () => this.#notified = true);
  }

  /** Listens for the changes' NOTIFY; until it does, and if it cannot, every sync reads. */
  listen(): Promise<void> {
    return this.#changes.start();
  }

  unlisten(): Promise<void> {
    return this.#changes.stop();
  }

  /** Forgets everything: the next {@link sync} loads every website (a new leader). */
  reset(): void {
    this.#entries.clear();
    this.#horizon = null;
  }

  /** Brings the schedule up to date with every change committed before the call. */
  async sync(): Promise<void> {
    const sinceRead = performance.now() - this.#readAt;
    const quiet = this.#changes.listening && !this.#notified && sinceRead < this.#readAnywayMs;
    if (this.#horizon !== null && quiet) return;
    this.#notified = false;
    try {
      if (this.#horizon === null || sinceRead > RELOAD_AFTER_MS) {
        await this.#loadAll();
      } else {
        await this.#readChanges(this.#horizon);
      }
    } catch (error) {
      this.#horizon = null;
      this.#changes.failed();
      throw error;
    }
    await this.#changes.answered();
    this.#readAt = performance.now();
    if (performance.now() - this.#prunedAt >= PRUNE_EVERY_MS) {
      this.#prunedAt = performance.now();
      await this.#sql`
        delete from website_changes where at < now() - ${KEEP_CHANGES}::interval`;
    }
  }

  /** The websites due at `now` (epoch ms), most overdue first. */
  due(now: number): Due[] {
    const nowSeconds = Math.floor(now / 1000);
    const due: Due[] = [];
    for (const entry of this.#entries.values()) {
      if (entry.dueAt > now) continue;
      const { website } = entry;
      const interval = website.intervalSeconds;
      const offset = slotOffset(website.id, interval);
      const latest = offset + interval * Math.floor((nowSeconds - offset) / interval);
      due.push({
        // Never before the second it became due: a first check off the grid.
        website: { ...website, slot: Math.max(latest, Math.floor(entry.dueAt / 1000)) },
        entry,
        nextDueAt: (latest + interval) * 1000,
      });
    }
    return due.sort((a, b) => a.entry.dueAt - b.entry.dueAt);
  }

  /** Moves published websites to their next slot. */
  published(due: Due[]): void {
    for (const { website, entry, nextDueAt } of due) {
      entry.dueAt = nextDueAt;
      entry.lastSlot = website.slot;
    }
  }

  async #loadAll(): Promise<void> {
    const [horizon, rows] = await this.#sql.begin(
      "isolation level repeatable read read only",
      (tx) =>
        [
          // One snapshot for both: every change older than the horizon is in the rows.
          tx`select pg_snapshot_xmin(pg_current_snapshot())::text as horizon`,
          tx`select ${this.#columns(tx)} from websites where active and type <> 'heartbeat'`,
        ] as const,
    );
    this.#applyAll(rows, this.#entries.keys());
    this.#horizon = horizon[0].horizon;
    log.info("publisher.schedule_loaded", { websites: this.#entries.size });
  }

  async #readChanges(since: string): Promise<void> {
    // A change by a transaction still running now has an id at or past the new horizon,
    // so the next read finds it; one that committed meanwhile is read twice, harmlessly.
    const [{ horizon, ids }] = await this.#sql`
      select pg_snapshot_xmin(pg_current_snapshot())::text as horizon,
             array(select distinct website_id from website_changes
                   where xid >= ${since}::xid8) as ids`;
    if (ids.length) {
      const rows = await this.#sql`
        select ${this.#columns(this.#sql)} from websites
        where id = any(${ids}::uuid[]) and active and type <> 'heartbeat'`;
      this.#applyAll(rows, ids as string[]);
    }
    this.#horizon = horizon;
  }

  #columns(sql: postgres.Sql | postgres.TransactionSql) {
    const { intervalSeconds, timeoutMs } = this.#defaults;
    return sql`id, url, method, headers, body, regions, expected_status, keyword, type,
      forbidden_keyword, degraded_ms, json_path, json_expected,
      extract(epoch from next_check_at)::float8 * 1000 as set_at,
      coalesce(interval_seconds, ${intervalSeconds})::int as interval_seconds,
      coalesce(timeout_ms, ${timeoutMs})::int as timeout_ms`;
  }

  /**
   * One copy of a value many websites hold alike: at 20,000 websites their own region
   * lists, methods and types were about half of the schedule's memory.
   */
  #shared<T>(key: string, value: T): T {
    const known = this.#values.get(key);
    if (known !== undefined) return known as T;
    this.#values.set(key, value);
    return value;
  }

  /**
   * Takes in `rows`, and drops every website of `checked` that is not among them:
   * deleted, paused, or no longer checked by workers.
   */
  #applyAll(rows: postgres.RowList<postgres.Row[]>, checked: Iterable<string>): void {
    const current = new Set<string>();
    for (const row of rows) {
      current.add(row.id);
      this.#apply(row);
    }
    for (const id of checked) if (!current.has(id)) this.#entries.delete(id);
  }

  #apply(row: postgres.Row): void {
    const setAt: number = row.set_at;
    // Opened once per change, not per check; a check without them would mislead.
    const { value: headers, problem } = readRecord<Record<string, string>>(
      this.#secretKeys,
      row.headers ?? {},
      "The monitor's request headers",
    );
    const body = readSealedText(this.#secretKeys, row.body, "The monitor's request body");
    const website = {
      id: row.id,
      url: row.url,
      method: this.#shared(`m${row.method}`, row.method),
      headers: headers && Object.keys(headers).length ? headers : NO_HEADERS,
      body: body.value,
      intervalSeconds: row.interval_seconds,
      timeoutMs: row.timeout_ms,
      regions: this.#shared(`r${row.regions.join()}`, row.regions),
      expectedStatus: row.expected_status,
      keyword: row.keyword,
      type: this.#shared(`t${row.type}`, row.type),
      forbiddenKeyword: row.forbidden_keyword,
      degradedMs: row.degraded_ms,
      jsonPath: row.json_path,
      jsonExpected: row.json_expected,
      refusal: problem ?? body.problem,
    };
    const entry = this.#entries.get(row.id);
    if (!entry) {
      this.#entries.set(row.id, { website, dueAt: setAt, setAt, lastSlot: 0 });
      return;
    }
    entry.website = website;
    // Rescheduled or resumed by the web: due then, whatever the slot in memory says, but
    // never in the second of the last slot published (the streams would skip it).
    if (setAt !== entry.setAt) {
      entry.setAt = setAt;
      entry.dueAt = Math.max(setAt, (entry.lastSlot + 1) * 1000);
    }
  }
}
