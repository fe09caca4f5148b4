/**
 * Sends queued deliveries: claims due rows from Postgres (several instances share the
 * queue through `FOR UPDATE SKIP LOCKED`), sends each through its provider, and records
 * the outcome: delivered, retried later with backoff (timeouts, network errors, 5xx,
 * 429), or failed (refused for good, or still failing after NOTIFICATION_GIVE_UP_MS). A
 * reminder made moot before it went out (the incident acknowledged or ended, a newer
 * reminder queued, …) is skipped, as is a phone call's down message once its incident
 * ended or was acknowledged (no recovery follows a call).
 *
 * A slow or failing channel cannot hold up the others: every attempt is bounded by
 * NOTIFICATION_TIMEOUT_MS and a channel has at most two attempts in flight per process
 * while the rest of NOTIFICATION_CONCURRENCY serves other channels.
 */
import type postgres from "postgres";
import type { Config } from "../../../lib/config.ts";
import { alertEventSchema } from "../../../lib/incident_event.ts";
import { log } from "../../../lib/logger.ts";
import { metrics } from "../../../lib/metrics.ts";
import { deliver, takesAcknowledgeLinks } from "../deliver.ts";
import { alertMessage, withAcknowledgeUrl } from "../message.ts";
import { newAcknowledgeLink } from "../../incidents/acknowledge_link.ts";
import type { Outcome } from "../providers/mod.ts";
import { openRecord } from "../../../lib/sealed_record.ts";
import { SealedSecretError } from "../../../lib/secret_box.ts";
import { retryDelayMs } from "./backoff.ts";
import { Alarm } from "./alarm.ts";
import {
  attemptLeaseMs,
  claimDue,
  type ClaimedDelivery,
  holdClaim,
  markDelivered,
  markFailed,
  markSkipped,
  nextDueInMs,
  pruneDeliveries,
  release,
} from "./record.ts";

const POLL_MS = 1_000;
/**
 * With nothing due, the queue sleeps until the earliest pending delivery is due, and
 * looks again after this long at most: this instance wakes at once for deliveries its
 * own consumer queues, and another instance's (or one whose sender died) wait this long.
 */
const IDLE_POLL_MS = 10_000;

export class DeliveryQueue {
  readonly #config: Config;
  readonly #sql: postgres.Sql;
  readonly #inFlight = new Map<string, number>();
  #running = 0;
  readonly #alarm = new Alarm();
  #failing = false;

  constructor(config: Config, sql: postgres.Sql) {
    this.#config = config;
    this.#sql = sql;
  }

  /** Looks for due deliveries now (new ones were just queued). */
  wake(): void {
    this.#alarm.wake();
  }

  /** Runs until `signal` aborts; attempts in flight are then interrupted and released. */
  async run(signal: AbortSignal): Promise<void> {
    const { concurrency, retryBaseMs, timeoutMs } = this.#config.notifications;
    const attempts = new Set<Promise<void>>();
    const pollMs = Math.min(POLL_MS, retryBaseMs);
    while (!signal.aborted) {
      let delay = pollMs;
      this.#alarm.reset();
      const free = concurrency - this.#running;
      if (free > 0) {
        try {
          const busy = [...this.#inFlight.keys()];
          const claimed = await claimDue(this.#sql, free, busy, attemptLeaseMs(timeoutMs));
          this.#recovered();
          for (const delivery of claimed) {
            const attempt = this.#attempt(delivery, signal).finally(() => {
              attempts.delete(attempt);
              this.wake();
            });
            attempts.add(attempt);
          }
          // A full batch: more may be due right away.
          if (claimed.length === free) delay = 0;
          else if (!claimed.length) delay = await this.#untilDue(pollMs);
        } catch (error) {
          this.#failed("notification.queue_unavailable", error);
          delay = 2_000;
        }
      }
      if (delay > 0) await this.#alarm.sleep(delay, signal);
    }
    await Promise.allSettled(attempts);
  }

  /**
   * How long to sleep when nothing could be claimed: until the next pending delivery is
   * due; `pollMs` when one is due already (its channel busy here, or a "resolved" waiting
   * for its "opened"), for an attempt ending here to wake the queue sooner.
   */
  async #untilDue(pollMs: number): Promise<number> {
    const ms = await nextDueInMs(this.#sql);
    if (ms === null) return IDLE_POLL_MS;
    return ms === 0 ? pollMs : Math.min(ms, IDLE_POLL_MS);
  }

  async #attempt(delivery: ClaimedDelivery, signal: AbortSignal): Promise<void> {
    this.#running++;
    this.#inFlight.set(delivery.channelId, (this.#inFlight.get(delivery.channelId) ?? 0) + 1);
    const lease = attemptLeaseMs(this.#config.notifications.timeoutMs);
    const stopHolding = holdClaim(this.#sql, "notification_deliveries", delivery, lease);
    try {
      if (delivery.moot) {
        stopHolding();
        await markSkipped(this.#sql, delivery, delivery.moot);
        await pruneDeliveries(this.#sql, delivery.channelId);
        log.info("notification.skipped", {
          channelId: delivery.channelId,
          eventId: delivery.eventId,
        });
        return;
      }
      const outcome = await this.#send(delivery, signal).finally(stopHolding);
      if (signal.aborted && !outcome.ok) {
        await release(this.#sql, delivery);
        return;
      }
      await this.#record(delivery, outcome);
    } catch (error) {
      // Postgres went away while recording: the lease runs out and the row is due again.
      this.#failed("notification.record_failed", error);
    } finally {
      this.#running--;
      const left = (this.#inFlight.get(delivery.channelId) ?? 1) - 1;
      if (left > 0) this.#inFlight.set(delivery.channelId, left);
      else this.#inFlight.delete(delivery.channelId);
    }
  }

  async #send(delivery: ClaimedDelivery, signal: AbortSignal): Promise<Outcome> {
    const event = alertEventSchema.safeParse(delivery.event);
    if (!event.success) return { ok: false, retry: false, error: "unreadable event" };
    let message = alertMessage(event.data, this.#config.appUrl);
    let settings: Record<string, unknown>;
    try {
      settings = openRecord(this.#config.secretKeys, delivery.config);
    } catch (error) {
      if (!(error instanceof SealedSecretError)) throw error;
      // Retried until given up: the key may yet be set (a region deployed without it).
      return { ok: false, retry: true, error: `the channel's settings are ${error.message}` };
    }
    const channel = { id: delivery.channelId, kind: delivery.kind, config: settings };
    // Whoever gets a down alert, a reminder or an escalation can acknowledge it from there.
    // Without the link (Postgres away a moment) the alert still goes out.
    if (
      event.data.type !== "resolved" && event.data.type !== "certificate" &&
      takesAcknowledgeLinks(channel)
    ) {
      const url = await newAcknowledgeLink(this.#sql, this.#config.appUrl, event.data.incidentId)
        .catch((error) => void log.warn("notification.ack_link_failed", { error }));
      if (url) message = withAcknowledgeUrl(message, url);
    }
    return deliver(this.#config, channel, message, signal);
  }

  async #record(delivery: ClaimedDelivery, outcome: Outcome): Promise<void> {
    const fields = {
      channelId: delivery.channelId,
      kind: delivery.kind,
      eventId: delivery.eventId,
      attempts: delivery.attempts,
    };
    let settled = true;
    if (outcome.ok) {
      await markDelivered(this.#sql, delivery);
      metrics.notifications.inc({ kind: delivery.kind, outcome: "delivered" });
      log.info("notification.delivered", fields);
    } else {
      const { retryBaseMs, giveUpAfterMs } = this.#config.notifications;
      const retry = outcome.retry
        ? {
          delayMs: retryDelayMs(delivery.attempts, retryBaseMs, outcome.retryAfterMs),
          giveUpAt: new Date(delivery.createdAt.getTime() + giveUpAfterMs),
        }
        : null;
      const state = await markFailed(this.#sql, delivery, outcome.error, retry);
      const entry = {
        ...fields,
        error: outcome.error,
        ...(retry ? { retryInMs: retry.delayMs } : {}),
      };
      metrics.notifications.inc({
        kind: delivery.kind,
        outcome: state === "failed" ? "failed" : "retrying",
      });
      if (state === "failed") log.warn("notification.failed", entry);
      else log.info("notification.retrying", entry);
      settled = state === "failed";
    }
    if (settled) await pruneDeliveries(this.#sql, delivery.channelId);
  }

  #failed(event: string, error: unknown): void {
    // One line per outage, not one per poll.
    if (this.#failing) return;
    this.#failing = true;
    log.error(event, { error });
  }

  #recovered(): void {
    if (!this.#failing) return;
    this.#failing = false;
    log.info("notification.queue_recovered");
  }
}
