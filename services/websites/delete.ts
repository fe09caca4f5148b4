/**
 * Removes one of the actor's websites. Its check rows stay in ClickHouse until
 * retention drops them: nothing reads them without the website, and deleting rows
 * there is a heavy mutation.
 */
import { websites } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { notFound } from "../errors.ts";
import { ownedBy } from "./store.ts";

export async function deleteWebsite(
  services: Services,
  actor: Actor,
  id: string,
): Promise<{ id: string }> {
  const deleted = await services.db.delete(websites).where(ownedBy(actor, id))
    .returning({ id: websites.id, regions: websites.regions });
  if (!deleted.length) throw notFound("Website");
  // Its live status, and the publisher's record of its last slot in every region.
  const redis = services.redis.multi().del(services.keys.liveStatus(id));
  for (const region of new Set([...deleted[0].regions, ...services.config.regions])) {
    redis.hdel(services.keys.publishedSlots(region), id);
  }
  await redis.exec();
  return { id };
}
