/**
 * Writes check results to ClickHouse in batches: a batch goes when it has `flushRows`
 * rows or its oldest row is `flushDelayMs` old. A failed insert is retried with backoff
 * and its rows stay buffered (their tasks stay pending in Redis), so nothing is lost while
 * ClickHouse is away. Only after a batch is stored does `onStored` acknowledge it.
 *
 * A batch costs the same fixed work whatever its size (a ClickHouse part to write and
 * merge, an incident-evaluation transaction, an acknowledgement and a live publish), so
 * it waits up to a second for company: at a steady 100 checks/s, four batches a second
 * cost the system about a third more CPU per check than one.
 */
import type { ClickHouse } from "../db/clickhouse/client.ts";
import { literal, sql } from "../db/clickhouse/sql.ts";
import { rowsInChunks } from "../db/clickhouse/chunks.ts";
import { log } from "../lib/logger.ts";
import { metrics } from "../lib/metrics.ts";
import { sleep } from "../lib/async.ts";
import { backoffDelay } from "../lib/backoff.ts";
import type { CheckRow } from "../db/clickhouse/check_row.ts";

export interface PendingResult {
  streamId: string;
  /** Delivered before: its result may already be stored (crash before acknowledgement). */
  redelivered: boolean;
  row: CheckRow;
}

export interface ResultStoreOptions {
  ch: ClickHouse;
  onStored(results: PendingResult[]): Promise<void>;
  /** Called after every insert attempt, whether it worked or not. */
  onAttempt?: () => void;
  flushRows?: number;
  flushDelayMs?: number;
  maxBackoffMs?: number;
}

export class ResultStore {
  #o: Required<Omit<ResultStoreOptions, "onAttempt">> & Pick<ResultStoreOptions, "onAttempt">;
  #buffer: PendingResult[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #flushing: Promise<void> | null = null;
  #stopped = false;
  #failures = 0;
  /** The batch being inserted right now. */
  #writing: PendingResult[] = [];

  constructor(options: ResultStoreOptions) {
    this.#o = {
      ...options,
      flushRows: options.flushRows ?? 2_000,
      flushDelayMs: options.flushDelayMs ?? 1_000,
      maxBackoffMs: options.maxBackoffMs ?? 5_000,
    };
  }

  /** Results buffered or being written, not yet acknowledged. */
  get pending(): number {
    return this.#buffer.length + this.#writing.length;
  }

  /** Stream ids of every result not yet stored (for keeping their tasks claimed). */
  pendingIds(): string[] {
    return [...this.#writing, ...this.#buffer].map((r) => r.streamId);
  }

  add(result: PendingResult): void {
    this.#buffer.push(result);
    if (this.#buffer.length >= this.#o.flushRows) this.#kick(0);
    else this.#kick(this.#o.flushDelayMs);
  }

  /** Writes everything buffered, retrying until stored or `deadline` (epoch ms) passes. */
  async drain(deadline: number): Promise<boolean> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#flushing;
    while (this.#buffer.length && Date.now() < deadline) {
      await this.#flushOnce(deadline);
    }
    return this.#buffer.length === 0;
  }

  #kick(delayMs: number): void {
    if (this.#flushing || this.#stopped) return;
    if (delayMs > 0 && this.#timer !== undefined) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#flushing = this.#flushLoop().finally(() => {
        this.#flushing = null;
        // Rows added while this flush ran wait for the next one.
        if (this.#buffer.length) this.#kick(this.#o.flushDelayMs);
      });
    }, delayMs);
  }

  async #flushLoop(): Promise<void> {
    while (this.#buffer.length && !this.#stopped) {
      await this.#flushOnce(Infinity);
      if (this.#buffer.length < this.#o.flushRows) break;
    }
  }

  async #flushOnce(deadline: number): Promise<void> {
    const batch = this.#buffer.splice(0, this.#o.flushRows * 4);
    this.#writing = batch;
    let failure: unknown = null;
    const began = performance.now();
    try {
      await this.#insert(batch);
      metrics.clickhouseInsertDuration.observe((performance.now() - began) / 1000);
    } catch (error) {
      failure = error;
      metrics.clickhouseInsertFailures.inc();
    }
    this.#writing = [];
    this.#o.onAttempt?.();
    if (failure) {
      this.#failures++;
      this.#buffer.unshift(...batch);
      if (this.#failures === 1 || this.#failures % 20 === 0) {
        log.error("worker.store_failed", {
          rows: batch.length,
          attempts: this.#failures,
          error: failure,
        });
      }
      const backoff = backoffDelay(this.#failures, { baseMs: 200, maxMs: this.#o.maxBackoffMs });
      await sleep(Math.min(backoff, Math.max(0, deadline - Date.now())));
      return;
    }
    if (this.#failures) log.info("worker.clickhouse_recovered", { attempts: this.#failures });
    this.#failures = 0;
    try {
      await this.#o.onStored(batch);
    } catch (error) {
      // Stored but not acknowledged: the tasks come back and are recognised as stored.
      log.warn("worker.ack_failed", { rows: batch.length, error });
    }
  }

  async #insert(batch: PendingResult[]): Promise<void> {
    const rows = uniqueRows(batch);
    const maybeStored = batch.filter((r) => r.redelivered).map((r) => r.row);
    const stored = maybeStored.length ? await this.#alreadyStored(maybeStored) : new Set();
    const fresh = rows.filter((row) => !stored.has(identity(row)));
    if (!fresh.length) return;
    await this.#o.ch.insert(sql`checks`, fresh);
  }

  /**
   * Identities of these rows that ClickHouse already has. Every read deduplicates too
   * (FINAL); not writing a row twice keeps the table and its merges small. A batch after
   * an outage holds thousands of redelivered rows: asked in chunks below max_query_size.
   */
  async #alreadyStored(rows: CheckRow[]): Promise<Set<string>> {
    const found = await rowsInChunks<{ w: string; r: string; s: number }, CheckRow>(
      this.#o.ch,
      rows,
      (chunk) =>
        sql`SELECT website_id AS w, region_id AS r, toUInt32(scheduled_at) AS s FROM checks
         WHERE website_id IN ${literal.uuidList([...new Set(chunk.map((r) => r.website_id))])}
           AND scheduled_at IN ${
          literal.list([...new Set(chunk.map((r) => r.scheduled_at))], (s) =>
            sql`toDateTime(${literal.int(s)})`)
        }`,
    );
    return new Set(found.map((f) => `${f.w}|${f.r}|${Number(f.s)}`));
  }
}

function identity(row: CheckRow): string {
  return `${row.website_id}|${row.region_id}|${row.scheduled_at}`;
}

/** One row per identity: the same task twice in one batch is still one check. */
function uniqueRows(batch: PendingResult[]): CheckRow[] {
  const byIdentity = new Map<string, CheckRow>();
  for (const { row } of batch) byIdentity.set(identity(row), row);
  return [...byIdentity.values()];
}
