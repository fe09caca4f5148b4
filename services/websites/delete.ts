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
    .returning({ id: websites.id });
  if (!deleted.length) throw notFound("Website");
  await services.redis.del(services.keys.liveStatus(id));
  return { id };
}
