/**
 * Which websites of a batch of tasks are still checked (they exist and are not paused),
 * each with the maintenance windows that may hold while its task runs. Postgres has the
 * answer; a worker keeps it, so that a batch asks only about the websites it has not seen
 * lately instead of about all of them (a query per batch was a third of what saturated
 * workers cost Postgres, and a round trip across an ocean in production).
 *
 * Every change to a checked website, a maintenance window or a window's websites sends
 * `NOTIFY website_changes` (migration 0025), and each one drops all that is kept. What is
 * kept is asked again after {@link KEEP_MS} anyway; while the worker cannot listen, every
 * batch asks.
 */
import type postgres from "postgres";
import { Listener, WEBSITE_CHANGES } from "../db/postgres/listener.ts";
import {
  type MaintenanceWindow,
  type WindowRow,
  windowsByWebsite,
} from "../lib/maintenance_window.ts";

/** How long an answer is kept, notified of no change or not. */
const KEEP_MS = 5 * 60_000;
const NO_WINDOWS: readonly MaintenanceWindow[] = Object.freeze([]);

interface Known {
  /** Null: not checked (paused, deleted, or not there at all). */
  windows: readonly MaintenanceWindow[] | null;
  at: number;
}

export class ActiveWebsites {
  #sql: postgres.Sql;
  #keepMs: number;
  #known = new Map<string, Known>();
  /** Counts the changes notified: an answer asked before one is not kept. */
  #generation = 0;
  #changes: Listener;

  constructor(sql: postgres.Sql, keepMs = KEEP_MS) {
    this.#sql = sql;
    this.#keepMs = keepMs;
    this.#changes = new Listener(sql, WEBSITE_CHANGES, () => this.#forget());
  }

  /** Listens for changes; until it does, and if it cannot, every batch asks Postgres. */
  listen(): Promise<void> {
    return this.#changes.start();
  }

  async unlisten(): Promise<void> {
    await this.#changes.stop();
    this.#forget();
  }

  /**
   * The websites of `ids` that are checked, each with its windows that had not ended when
   * asked: whether one holds is decided when the check runs (`inWindow`). Throws when
   * Postgres cannot be asked.
   */
  async of(ids: string[]): Promise<Map<string, readonly MaintenanceWindow[]>> {
    const now = Date.now();
    const answers = new Map<string, readonly MaintenanceWindow[] | null>();
    const missing: string[] = [];
    for (const id of ids) {
      const known = this.#changes.listening ? this.#known.get(id) : undefined;
      if (known && now - known.at < this.#keepMs) answers.set(id, known.windows);
      else missing.push(id);
    }
    if (missing.length) {
      const generation = this.#generation;
      const found = await this.#ask(missing);
      const keep = this.#changes.listening && generation === this.#generation;
      for (const id of missing) {
        const listed = found.get(id);
        const windows = listed === undefined ? null : listed.length ? listed : NO_WINDOWS;
        answers.set(id, windows);
        if (keep) this.#known.set(id, { windows, at: now });
      }
    }
    const active = new Map<string, readonly MaintenanceWindow[]>();
    for (const [id, windows] of answers) if (windows) active.set(id, windows);
    return active;
  }

  /** Every window of these websites that has not ended; a website not checked is left out. */
  async #ask(ids: string[]): Promise<Map<string, MaintenanceWindow[]>> {
    let rows: WindowRow[];
    try {
      rows = await this.#sql<WindowRow[]>`
        select w.id as website_id,
               round(extract(epoch from m.starts_at) * 1000)::float8 as starts_at,
               round(extract(epoch from m.ends_at) * 1000)::float8 as ends_at
        from websites w
        left join (maintenance_websites mw join maintenances m
          on m.id = mw.maintenance_id and m.ends_at > now())
          on mw.website_id = w.id
        where w.id = any(${ids}::uuid[]) and w.active`;
    } catch (error) {
      this.#changes.failed();
      throw error;
    }
    await this.#changes.answered();
    return windowsByWebsite(rows);
  }

  #forget(): void {
    this.#known.clear();
    this.#generation++;
  }
}
