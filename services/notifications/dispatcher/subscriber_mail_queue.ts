/**
 * Sends the mails queued for status-page subscribers (services/subscribers/queue.ts):
 * claims due rows (instances share them through `FOR UPDATE SKIP LOCKED`, and a claim is
 * a lease, as in record.ts), sends each through `SMTP_URL` with a one-click unsubscribe
 * (RFC 8058), and records the outcome: sent, tried again with backoff, or failed after
 * NOTIFICATION_GIVE_UP_MS. Woken by the NOTIFY that queueing sends, from any process.
 */
import type postgres from "postgres";
import type { Config } from "../../../lib/config.ts";
import { log } from "../../../lib/logger.ts";
import { metrics } from "../../../lib/metrics.ts";
import { sendMail } from "../mailer.ts";
import { MAIL_CHANNEL } from "../../subscribers/queue.ts";
import { retryDelayMs } from "./backoff.ts";
import { Alarm } from "./alarm.ts";
import { attemptLeaseMs, holdClaim } from "./record.ts";

/** Mails sent at once by one process: an SMTP relay takes few connections per client. */
const BATCH = 4;
/** Looked at this often at most when nothing is due, for a NOTIFY that was missed. */
const IDLE_POLL_MS = 10_000;
/** Sent and failed mails are kept this long: their rows make a repeated event a no-op. */
const KEEP_MS = 2 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

interface ClaimedMail {
  id: string;
  attempts: number;
  createdAt: Date;
  subject: string;
  body: string;
  unsubscribeUrl: string;
  email: string;
}

export class SubscriberMailQueue {
  readonly #config: Config;
  readonly #sql: postgres.Sql;
  readonly #alarm = new Alarm();
  #failing = false;
  #prunedAt = 0;

  constructor(config: Config, sql: postgres.Sql) {
    this.#config = config;
    this.#sql = sql;
  }

  wake(): void {
    this.#alarm.wake();
  }

  async run(signal: AbortSignal): Promise<void> {
    const listening = this.#sql.listen(MAIL_CHANNEL, () => this.wake())
      .catch((error) => {
        log.warn("subscriber_mail.listen_failed", { error });
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

  /**
   * Pending mails that may go: a "back up" waits until the "down" of the same incident to
   * the same subscriber is settled, so nobody hears of the recovery first.
   */
  #sendable() {
    return this.#sql`m.status = 'pending' and not (m.key like '%:resolved' and exists (
      select 1 from subscriber_mails o
      where o.subscriber_id = m.subscriber_id and o.status = 'pending'
        and o.key = replace(m.key, ':resolved', ':opened')))`;
  }

  async #claim(): Promise<ClaimedMail[]> {
    const lease = attemptLeaseMs(this.#config.notifications.timeoutMs);
    const rows = await this.#sql`
      with picked as (
        select m.id from subscriber_mails m
        where ${this.#sendable()} and m.next_attempt_at <= now()
        order by m.next_attempt_at limit ${BATCH}
        for update skip locked
      )
      update subscriber_mails m
      set attempts = m.attempts + 1,
          next_attempt_at = now() + ${lease} * interval '1 millisecond'
      from picked, status_page_subscribers s
      where m.id = picked.id and s.id = m.subscriber_id
      returning m.id, m.attempts, m.created_at, m.subject, m.body, m.unsubscribe_url, s.email`;
    return rows.map((row) => ({
      id: row.id,
      attempts: row.attempts,
      createdAt: new Date(row.created_at),
      subject: row.subject,
      body: row.body,
      unsubscribeUrl: row.unsubscribe_url,
      email: row.email,
    }));
  }

  async #attempt(mail: ClaimedMail): Promise<void> {
    const lease = attemptLeaseMs(this.#config.notifications.timeoutMs);
    const stopHolding = holdClaim(this.#sql, "subscriber_mails", mail, lease);
    const outcome = await sendMail(this.#config.notifications, {
      to: [mail.email],
      subject: mail.subject,
      text: mail.body,
      messageId: `<${mail.id}@uptime>`,
      headers: {
        "List-Unsubscribe": `<${mail.unsubscribeUrl}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
    }).finally(stopHolding);
    if (outcome.ok) {
      await this.#sql`
        update subscriber_mails set status = 'sent', sent_at = now(), last_error = null
        where id = ${mail.id} and attempts = ${mail.attempts}`;
      metrics.notifications.inc({ kind: "subscriber", outcome: "delivered" });
      return;
    }
    const { retryBaseMs, giveUpAfterMs } = this.#config.notifications;
    const delayMs = retryDelayMs(mail.attempts, retryBaseMs);
    // A server's refusal often quotes the recipient: the log and the row keep it out.
    const error = outcome.error.replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, "<address>");
    const givingUp = !outcome.retry ||
      Date.now() + delayMs > mail.createdAt.getTime() + giveUpAfterMs;
    await this.#sql`
      update subscriber_mails
      set status = ${givingUp ? "failed" : "pending"}, last_error = ${error.slice(0, 500)},
          next_attempt_at = now() + ${givingUp ? 0 : delayMs} * interval '1 millisecond'
      where id = ${mail.id} and attempts = ${mail.attempts}`;
    metrics.notifications.inc({ kind: "subscriber", outcome: givingUp ? "failed" : "retrying" });
    // The address is the subscriber's; the log names the mail only.
    const fields = { mailId: mail.id, attempts: mail.attempts, error };
    if (givingUp) log.warn("subscriber_mail.failed", fields);
    else log.info("subscriber_mail.retrying", { ...fields, retryInMs: delayMs });
  }

  async #untilDue(): Promise<number> {
    const [row] = await this.#sql`
      select extract(epoch from min(m.next_attempt_at) - now()) * 1000 as ms
      from subscriber_mails m where ${this.#sendable()}`;
    if (row.ms === null) return IDLE_POLL_MS;
    return Math.min(IDLE_POLL_MS, Math.max(50, Math.ceil(Number(row.ms))));
  }

  async #prune(): Promise<void> {
    this.#prunedAt = Date.now();
    await this.#sql`
      delete from subscriber_mails
      where status <> 'pending' and created_at < now() - ${KEEP_MS} * interval '1 millisecond'`;
  }

  #failed(error: unknown): void {
    if (this.#failing) return;
    this.#failing = true;
    log.error("subscriber_mail.queue_unavailable", { error });
  }

  #recovered(): void {
    if (!this.#failing) return;
    this.#failing = false;
    log.info("subscriber_mail.queue_recovered");
  }
}
