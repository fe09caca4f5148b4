/**
 * Adds an alert channel to the actor's account. The answer holds the settings in full
 * this once, so a generated webhook secret can be copied; `list()` masks them after.
 */
import { count, eq } from "drizzle-orm";
import { notificationChannels, users } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import type { CreateChannelInput } from "./input.ts";
import { providers } from "./providers/mod.ts";
import {
  acceptSettings,
  type Channel,
  CHANNELS_PER_USER,
  toChannel,
  withoutEmpty,
} from "./store.ts";
import { sealRecord } from "../../lib/sealed_record.ts";

export async function createChannel(
  services: Services,
  actor: Actor,
  input: CreateChannelInput,
): Promise<Channel> {
  const config = await acceptSettings(services, providers[input.kind], withoutEmpty(input.config));
  const row = await services.db.transaction(async (tx) => {
    // Serialises the owner's creates so the limit holds under concurrency.
    await tx.select({ id: users.id }).from(users).where(eq(users.id, actor.accountId)).for(
      "update",
    );
    const [{ owned }] = await tx.select({ owned: count() }).from(notificationChannels)
      .where(eq(notificationChannels.ownerId, actor.accountId));
    if (owned >= CHANNELS_PER_USER) {
      throw new DomainError(
        "FORBIDDEN",
        `You have reached the limit of ${CHANNELS_PER_USER} notification channels`,
      );
    }
    const [inserted] = await tx.insert(notificationChannels)
      .values({
        ownerId: actor.accountId,
        kind: input.kind,
        name: input.name,
        config: sealRecord(services.config.secretKeys, config),
      })
      .returning();
    return inserted;
  });
  return toChannel(row, services.config.secretKeys, true);
}
