/**
 * A `LISTEN` that knows whether it is listening. `onChange` runs at every notification and
 * whenever listening (re)starts, since what was notified meanwhile is lost. postgres.js
 * listens again after its connection drops, but gives up for good when that reconnect
 * fails: an owner tells {@link Listener.failed} of each query that failed and
 * {@link Listener.answered} of each that did not, and after a failure it listens anew.
 * Until it listens, and if it cannot, the owner must ask.
 */
import type postgres from "postgres";
import { log } from "../../lib/logger.ts";

/**
 * Notified by the triggers of migration 0025 at every change to a checked website, a
 * maintenance window or a window's websites.
 */
export const WEBSITE_CHANGES = "website_changes";

export class Listener {
  #sql: postgres.Sql;
  #channel: string;
  #onChange: () => void;
  #listening = false;
  /** Between {@link start} and {@link stop}. */
  #wanted = false;
  #unlisten: (() => Promise<void>) | null = null;
  /** A query of the owner failed since it last answered. */
  #failed = false;

  constructor(sql: postgres.Sql, channel: string, onChange: () => void) {
    this.#sql = sql;
    this.#channel = channel;
    this.#onChange = onChange;
  }

  /** Whether notifications on the channel reach this process. */
  get listening(): boolean {
    return this.#listening;
  }

  async start(): Promise<void> {
    this.#wanted = true;
    try {
      const { unlisten } = await this.#sql.listen(this.#channel, () => this.#onChange(), () => {
        this.#listening = this.#wanted;
        this.#onChange();
      });
      // Stopped while the LISTEN was on its way.
      if (!this.#wanted) await unlisten();
      else this.#unlisten = unlisten;
    } catch (error) {
      log.warn("postgres.listen_failed", { channel: this.#channel, error });
    }
  }

  async stop(): Promise<void> {
    this.#wanted = false;
    this.#listening = false;
    const unlisten = this.#unlisten;
    this.#unlisten = null;
    await unlisten?.().catch(() => {});
  }

  failed(): void {
    this.#failed = true;
  }

  /** Postgres answered: after a failure, listens anew, in case postgres.js gave up. */
  async answered(): Promise<void> {
    if (!this.#failed) return;
    this.#failed = false;
    if (!this.#wanted) return;
    await this.stop();
    void this.start();
  }
}
