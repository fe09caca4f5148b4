/**
 * Deletes a channel, its delivery record and queue, and its place in every monitor's
 * list of channels (a monitor left with an empty list alerts nobody, as chosen) and of
 * channels it escalates to (left with none, it escalates no more).
 */
import { and, eq, sql } from "drizzle-orm";
import { notificationChannels, websites } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { notFound } from "../errors.ts";

export async function deleteChannel(
  services: Services,
  actor: Actor,
  id: string,
): Promise<{ id: string }> {
  await services.db.transaction(async (tx) => {
    const deleted = await tx.delete(notificationChannels)
      .where(
        and(eq(notificationChannels.id, id), eq(notificationChannels.ownerId, actor.accountId)),
      )
      .returning({ id: notificationChannels.id });
    if (!deleted.length) throw notFound("Notification channel");
    await tx.update(websites)
      .set({
        notificationChannelIds: sql`array_remove(${websites.notificationChannelIds}, ${id}::uuid)`,
      })
      .where(and(
        eq(websites.ownerId, actor.accountId),
        sql`${id}::uuid = any(${websites.notificationChannelIds})`,
      ));
    await tx.update(websites)
      .set({
        escalationChannelIds: sql`array_remove(${websites.escalationChannelIds}, ${id}::uuid)`,
        escalateAfterMinutes: sql`case when ${websites.escalationChannelIds} = array[${id}::uuid]
          then null else ${websites.escalateAfterMinutes} end`,
      })
      .where(and(
        eq(websites.ownerId, actor.accountId),
        sql`${id}::uuid = any(${websites.escalationChannelIds})`,
      ));
  });
  return { id };
}
