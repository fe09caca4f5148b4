/** The actor's channels, oldest first, secrets masked. */
import { asc, eq } from "drizzle-orm";
import { notificationChannels } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { type Channel, toChannel } from "./store.ts";

export async function listChannels(services: Services, actor: Actor): Promise<Channel[]> {
  const rows = await services.readDb.select().from(notificationChannels)
    .where(eq(notificationChannels.ownerId, actor.accountId))
    .orderBy(asc(notificationChannels.createdAt), asc(notificationChannels.id));
  return rows.map((row) => toChannel(row, services.config.secretKeys));
}
