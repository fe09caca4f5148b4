/**
 * The notification dispatcher: the incident-event consumer, the delivery queue and the
 * queues of mails (to status-page subscribers, to account holders), started together by a
 * process (the publisher: every instance, leader or standby, joins the consumer group and
 * the queues) and stopped by its shutdown signal.
 *
 * ```ts
 * const notifier = startNotifier({ config, sql, redis, keys }, shutdown);
 * await notifier.stopped;
 * ```
 */
import type postgres from "postgres";
import type { Config } from "../../../lib/config.ts";
import { connectRedis, type Redis } from "../../../lib/redis.ts";
import type { RedisKeys } from "../../../lib/redis_keys.ts";
import { closeMailers } from "../mailer.ts";
import { DeliveryQueue } from "./delivery_queue.ts";
import { IncidentEventConsumer } from "./event_consumer.ts";
import { ACCOUNT_OUTBOX, MailQueue, SUBSCRIBER_OUTBOX } from "./mail_queue.ts";

export interface NotifierDeps {
  config: Config;
  sql: postgres.Sql;
  redis: Redis;
  keys: RedisKeys;
}

export interface Notifier {
  /** Resolves once its loops have ended after `shutdown` aborted. */
  stopped: Promise<void>;
}

export function startNotifier(deps: NotifierDeps, shutdown: AbortSignal): Notifier {
  const reader = connectRedis(deps.config.redisUrl, {
    name: "notifier-reader",
    commandTimeoutMs: 10_000,
  });
  const queue = new DeliveryQueue(deps.config, deps.sql);
  const mails = [SUBSCRIBER_OUTBOX, ACCOUNT_OUTBOX].map((outbox) =>
    new MailQueue(deps.config, deps.sql, outbox)
  );
  const consumer = new IncidentEventConsumer({
    redis: deps.redis,
    reader,
    sql: deps.sql,
    config: deps.config,
    stream: deps.keys.incidentEvents,
    consumer: `${Deno.hostname()}-${crypto.randomUUID().slice(0, 8)}`,
    onQueued: () => queue.wake(),
  });
  const stopped = Promise.allSettled([
    consumer.run(shutdown),
    queue.run(shutdown),
    ...mails.map((queue) => queue.run(shutdown)),
  ])
    .then(() => {
      reader.disconnect();
      closeMailers();
    });
  return { stopped };
}
