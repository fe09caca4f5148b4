/**
 * Sends queued mails: to status-page subscribers (services/subscribers/queue.ts) and to
 * account holders (services/users/account_mails.ts), one queue per {@link Outbox}. Claims
 * due rows (instances share them through `FOR UPDATE SKIP LOCKED`, and a claim is a lease,
 * as in record.ts), sends each through `SMTP_URL`, and records the outcome: sent, tried
 * again with backoff, or failed after NOTIFICATION_GIVE_UP_MS. Woken by the NOTIFY that
 * queueing sends, from any process.
 */
import type postgres from "postgres";
import type { Config } from "../../../lib/config.ts";
import { log } from "../../../lib/logger.ts";
import { metrics } from "../../../lib/metrics.ts";
import { sendMail } from "../mailer.ts";
import { MAIL_CHANNEL } from "../../subscribers/queue.ts";
import { ACCOUNT_MAIL_CHANNEL } from "../../users/account_mails.ts";
import { retryDelayMs } from "./backoff.ts";
import { Alarm } from "./alarm.ts";
import { attemptLeaseMs, holdClaim } from "./record.ts";

/** Mails sent at once by one queue of a process: an SMTP relay takes few connections. */
const BATCH = 4;
/** Looked at this often at most when nothing is due, for a NOTIFY that was missed. */
const IDLE_POLL_MS = 10_000;
/** Sent and failed mails are kept this long: their rows make a repeated event a no-op. */
const KEEP_MS = 2 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

/** Where a kind of mail is queued, and what sending it takes. */
export interface Outbox {
  /** In metrics (`kind`) and log lines (`<kind>_mail.failed`). */
  kind: "subscriber" | "account";
  table: "subscriber_mails" | "account_mails";
  /** The NOTIFY channel queueing wakes the senders on. */
  channel: string;
  /**
   * The table the recipient's `email` is read from, and the mail's column naming its row;
   * without, the mail's own `email`.
   */
  recipients?: { table: "status_page_subscribers"; key: "subscriber_id" };
  /** Extra SQL a pending mail must meet to go, about the mail `m`. */
  sendable?: (sql: postgres.Sql) => postgres.PendingQuery<postgres.Row[]>;
  /** Columns of the mail read for {@link headers}. */
  columns?: string[];
  headers?: (row: postgres.Row) => Record<string, string>;
  /** The body holds a secret (a link that signs in): emptied once the mail is settled. */
  forgetBody?: boolean;
  /** When a mail is given up: read from its row; NOTIFICATION_GIVE_UP_MS after it was queued otherwise. */
  giveUpAt?: (row: postgres.Row) => Date;
}

export const SUBSCRIBER_OUTBOX: Outbox = {
  kind: "subscriber",
  table: "subscriber_mails",
  channel: MAIL_CHANNEL,
  recipients: { table: "status_page_subscribers", key: "subscriber_id" },
  // A "back up" waits until the "down" of the same incident to the same subscriber is
  // settled, so nobody hears of the recovery first.
  sendable: (sql) =>
    sql`not (m.key like '%:resolved' and exists (
      select 1 from subscriber_mails o
      where o.subscriber_id = m.subscriber_id and o.status = 'pending'
        and o.key = replace(m.key, ':resolved', ':opened')))`,
  columns: ["unsubscribe_url"],
  // One-click unsubscribe (RFC 8058).
  headers: (row) => ({
    "List-Unsubscribe": `<${row.unsubscribe_url}>`,
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
  }),
};

export const ACCOUNT_OUTBOX: Outbox = {
  kind: "account",
  table: "account_mails",
  channel: ACCOUNT_MAIL_CHANNEL,
  forgetBody: true,
  // When its link stops working: a later mail would carry a dead link.
  columns: ["give_up_at"],
  giveUpAt: (row) => new Date(row.give_up_at),
};

interface ClaimedMail {
  id: string;
  attempts: number;
  giveUpAt: Date;
  subject: string;
  body: string;
  email: string;
  headers?: Record<string, string>;
}

export class MailQueue {
  readonly #config: Config;
  readonly #sql: postgres.Sql;
  readonly #outbox: Outbox;
  readonly #alarm = new Alarm();
  #failing = false;
  #prunedAt = 0;

  constructor(config: Config, sql: postgres.Sql, outbox: Outbox) {
    this.#config = config;
    this.#sql = sql;
    this.#outbox = outbox;
  }

  wake(): void {
    this.#alarm.wake();
  }

  async run(signal: AbortSignal): Promise<void> {
    const listening = this.#sql.listen(this.#outbox.channel, () => this.wake())
      .catch((error) => {
        log.warn(`${this.#outbox.kind}_mail.listen_failed`, { error });
        return null;
      });
    while (!signal.aborted) {
      this.#alarm.reset();
      let delay: number;
      try {
        const claimed = await this.#claim();
        this.#recovered();
        await Promise.all(claimed.map((mail) => this.#attempt(mail)));
        delay = claimed.length ? 0 : await this.#untilDue();
        if (Date.now() - this.#prunedAt > PRUNE_EVERY_MS) await this.#prune();
      } catch (error) {
        this.#failed(error);
        delay = 2_000;
      }
      if (delay > 0) await this.#alarm.sleep(delay, signal);
    }
    await (await listening)?.unlisten().catch(() => {});
  }

  #sendable() {
    const sql = this.#sql;
    const more = this.#outbox.sendable;
    return more ? sql`m.status = 'pending' and ${more(sql)}` : sql`m.status = 'pending'`;
  }

  async #claim(): Promise<ClaimedMail[]> {
    const sql = this.#sql;
    const { table, recipients, columns = [], headers, giveUpAt } = this.#outbox;
    const { giveUpAfterMs } = this.#config.notifications;
    const lease = attemptLeaseMs(this.#config.notifications.timeoutMs);
    const rows = await sql`
      with picked as (
        select m.id from ${sql(table)} m
        where ${this.#sendable()} and m.next_attempt_at <= now()
        order by m.next_attempt_at limit ${BATCH}
        for update skip locked
      )
      update ${sql(table)} m
      set attempts = m.attempts + 1,
          next_attempt_at = now() + ${lease} * interval '1 millisecond'
      from picked ${recipients ? sql`, ${sql(recipients.table)} r` : sql``}
      where m.id = picked.id ${recipients ? sql`and r.id = m.${sql(recipients.key)}` : sql``}
      returning m.id, m.attempts, m.created_at, m.subject, m.body,
        ${recipients ? sql`r.email` : sql`m.email`}
        ${columns.length ? sql`, ${sql(columns.map((c) => `m.${c}`))}` : sql``}`;
    return rows.map((row) => ({
      id: row.id,
      attempts: row.attempts,
      giveUpAt: giveUpAt?.(row) ?? new Date(new Date(row.created_at).getTime() + giveUpAfterMs),
      subject: row.subject,
      body: row.body,
      email: row.email,
      headers: headers?.(row),
    }));
  }

  async #attempt(mail: ClaimedMail): Promise<void> {
    const sql = this.#sql;
    const { table, kind, forgetBody } = this.#outbox;
    const lease = attemptLeaseMs(this.#config.notifications.timeoutMs);
    const stopHolding = holdClaim(sql, table, mail, lease);
    const outcome = await sendMail(this.#config.notifications, {
      to: [mail.email],
      subject: mail.subject,
      text: mail.body,
      messageId: `<${mail.id}@uptime>`,
      headers: mail.headers,
    }).finally(stopHolding);
    const forget = forgetBody ? sql`, body = ''` : sql``;
    if (outcome.ok) {
      await sql`
        update ${sql(table)} set status = 'sent', sent_at = now(), last_error = null ${forget}
        where id = ${mail.id} and attempts = ${mail.attempts}`;
      metrics.notifications.inc({ kind, outcome: "delivered" });
      return;
    }
    const delayMs = retryDelayMs(mail.attempts, this.#config.notifications.retryBaseMs);
    // A server's refusal often quotes the recipient: the log and the row keep it out.
    const error = outcome.error.replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, "<address>");
    const givingUp = !outcome.retry || Date.now() + delayMs > mail.giveUpAt.getTime();
    await sql`
      update ${sql(table)}
      set status = ${givingUp ? "failed" : "pending"}, last_error = ${error.slice(0, 500)},
          next_attempt_at = now() + ${givingUp ? 0 : delayMs} * interval '1 millisecond'
          ${givingUp ? forget : sql``}
      where id = ${mail.id} and attempts = ${mail.attempts}`;
    metrics.notifications.inc({ kind, outcome: givingUp ? "failed" : "retrying" });
    // The address is the recipient's; the log names the mail only.
    const fields = { mailId: mail.id, attempts: mail.attempts, error };
    if (givingUp) log.warn(`${kind}_mail.failed`, fields);
    else log.info(`${kind}_mail.retrying`, { ...fields, retryInMs: delayMs });
  }

  async #untilDue(): Promise<number> {
    const sql = this.#sql;
    const [row] = await sql`
      select extract(epoch from min(m.next_attempt_at) - now()) * 1000 as ms
      from ${sql(this.#outbox.table)} m where ${this.#sendable()}`;
    if (row.ms === null) return IDLE_POLL_MS;
    return Math.min(IDLE_POLL_MS, Math.max(50, Math.ceil(Number(row.ms))));
  }

  async #prune(): Promise<void> {
    this.#prunedAt = Date.now();
    const sql = this.#sql;
    await sql`
      delete from ${sql(this.#outbox.table)}
      where status <> 'pending' and created_at < now() - ${KEEP_MS} * interval '1 millisecond'`;
  }

  #failed(error: unknown): void {
    if (this.#failing) return;
    this.#failing = true;
    log.error(`${this.#outbox.kind}_mail.queue_unavailable`, { error });
  }

  #recovered(): void {
    if (!this.#failing) return;
    this.#failing = false;
    log.info(`${this.#outbox.kind}_mail.queue_recovered`);
  }
}
