/**
 * Reads incident and certificate events (lib/incident_event.ts) from the Redis stream
 * `keys.incidentEvents` in the consumer group `notifier`; every dispatcher instance
 * joins it. An entry is acknowledged only once its deliveries (and its mails to status
 * pages' subscribers) are queued in Postgres,
 * so a crash in between means it is read again (taken over from a dead consumer after
 * {@link RECLAIM_IDLE_MS}), and queueing is idempotent per (channel, event id).
 */
import type postgres from "postgres";
import type { Config } from "../../../lib/config.ts";
import { sleep } from "../../../lib/async.ts";
import { alertEventSchema } from "../../../lib/incident_event.ts";
import { log } from "../../../lib/logger.ts";
import type { Redis } from "../../../lib/redis.ts";
import { queueDeliveries } from "./fan_out.ts";
import { queueIncidentMails } from "../../subscribers/queue.ts";

export const NOTIFIER_GROUP = "notifier";
/** An entry unacknowledged this long belongs to a dead consumer (or failed to queue). */
export const RECLAIM_IDLE_MS = 30_000;
const BLOCK_MS = 2_000;
/** Entries older than this are trimmed: their deliveries were queued long ago, or are worthless. */
export const KEEP_EVENTS_MS = 7 * 86_400_000;
const BATCH = 50;

type Entry = [id: string, fields: string[]];

export interface EventConsumerOptions {
  /** For XACK, XAUTOCLAIM and the group; not blocked by reads. */
  redis: Redis;
  /** A connection of its own: XREADGROUP BLOCK holds it. */
  reader: Redis;
  sql: postgres.Sql;
  /** Whether subscribers can be mailed, and the links in their mails. */
  config: Config;
  stream: string;
  consumer: string;
  /** Called after new deliveries were queued. */
  onQueued(): void;
}

export class IncidentEventConsumer {
  readonly #o: EventConsumerOptions;
  #failing = false;
  #lastReclaim = 0;

  constructor(options: EventConsumerOptions) {
    this.#o = options;
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.#ensureGroup();
        if (Date.now() - this.#lastReclaim >= RECLAIM_IDLE_MS / 3) await this.#reclaim();
        const reply = await this.#o.reader.xreadgroup(
          "GROUP",
          NOTIFIER_GROUP,
          this.#o.consumer,
          "COUNT",
          BATCH,
          "BLOCK",
          BLOCK_MS,
          "STREAMS",
          this.#o.stream,
          ">",
        ) as [string, Entry[]][] | null;
        for (const [, entries] of reply ?? []) await this.#handle(entries);
        this.#recovered();
      } catch (error) {
        if (signal.aborted) break;
        this.#failed(error);
        await sleep(1_000);
      }
    }
  }

  #groupReady = false;

  async #ensureGroup(): Promise<void> {
    if (this.#groupReady) return;
    try {
      // From the stream's start: events written before the first dispatcher started count.
      await this.#o.redis.xgroup("CREATE", this.#o.stream, NOTIFIER_GROUP, "0", "MKSTREAM");
    } catch (error) {
      if (!String((error as Error)?.message).includes("BUSYGROUP")) throw error;
    }
    this.#groupReady = true;
  }

  /** Takes over entries left unacknowledged by a dead consumer, or by a failed queueing. */
  async #reclaim(): Promise<void> {
    this.#lastReclaim = Date.now();
    // The producer adds without a cap; the consumer side keeps the stream bounded by age.
    await this.#o.redis.xtrim(this.#o.stream, "MINID", "~", `${Date.now() - KEEP_EVENTS_MS}-0`);
    let cursor = "0-0";
    do {
      const [next, entries] = await this.#o.redis.xautoclaim(
        this.#o.stream,
        NOTIFIER_GROUP,
        this.#o.consumer,
        RECLAIM_IDLE_MS,
        cursor,
        "COUNT",
        BATCH,
      ) as [string, (Entry | null)[]];
      await this.#handle(entries.filter((entry): entry is Entry => entry !== null));
      cursor = next;
    } while (cursor !== "0-0");
  }

  async #handle(entries: Entry[]): Promise<void> {
    let queued = 0;
    for (const [id, fields] of entries) {
      const event = parseEntry(fields);
      if (!event) {
        // Malformed entries can never succeed; keeping them pending would retry forever.
        log.warn("notification.bad_event", { entryId: id });
      } else {
        queued += await queueDeliveries(this.#o.sql, event);
        // The status pages showing the monitor tell their subscribers (woken by NOTIFY).
        const mails = await queueIncidentMails(this.#o.sql, this.#o.config, event);
        log.info("notification.event", {
          eventId: event.id,
          websiteId: event.websiteId,
          queued,
          subscriberMails: mails,
        });
      }
      await this.#o.redis.xack(this.#o.stream, NOTIFIER_GROUP, id);
    }
    if (queued > 0) this.#o.onQueued();
  }

  #failed(error: unknown): void {
    if (this.#failing) return;
    this.#failing = true;
    log.error("notification.events_unavailable", { error });
  }

  #recovered(): void {
    if (!this.#failing) return;
    this.#failing = false;
    log.info("notification.events_recovered");
  }
}

function parseEntry(fields: string[]) {
  const index = fields.findIndex((field, i) => i % 2 === 0 && field === "event");
  if (index < 0) return null;
  try {
    const parsed = alertEventSchema.safeParse(JSON.parse(fields[index + 1]));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
