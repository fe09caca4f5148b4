/**
 * "Send test notification": sends a test message to the channel now, waits for the
 * answer (bounded by the delivery timeout), records it among the channel's deliveries
 * and says how it went. Not retried: the person pressing the button wants to know now.
 */
import { notificationDeliveries } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { enforceRateLimits } from "../users/rate_limit.ts";
import { deliver } from "./deliver.ts";
import { testMessage } from "./message.ts";
import { pruneDeliveries } from "./dispatcher/record.ts";
import { ownedChannel, withOpenSettings } from "./store.ts";

export interface TestResult {
  delivered: boolean;
  /** Why not, when not delivered. */
  error: string | null;
}

export async function testChannel(
  services: Services,
  actor: Actor,
  id: string,
): Promise<TestResult> {
  const channel = withOpenSettings(
    await ownedChannel(services.db, actor, id),
    services.config.secretKeys,
  );
  // Each test makes us send a request somewhere; a few a minute is plenty for a person.
  await enforceRateLimits(services, [
    { scope: "notification-test", key: actor.accountId, max: 10, windowSeconds: 60 },
  ]);
  const message = testMessage(channel.name, services.config.appUrl);
  const outcome = await deliver(services.config, channel, message);
  const now = new Date();
  await services.db.insert(notificationDeliveries).values({
    channelId: channel.id,
    eventId: message.eventId,
    eventType: "test",
    incidentId: null,
    event: { type: "test", channelName: channel.name, at: message.occurredAt },
    status: outcome.ok ? "delivered" : "failed",
    attempts: 1,
    lastError: outcome.ok ? null : outcome.error,
    nextAttemptAt: now,
    deliveredAt: outcome.ok ? now : null,
  });
  await pruneDeliveries(services.sql, channel.id);
  return { delivered: outcome.ok, error: outcome.ok ? null : outcome.error };
}
