/** One of the actor's websites; NOT_FOUND for anyone else's. */
import type { Actor, Services } from "../context.ts";
import { forActor, ownedWebsite, toWebsite, type Website } from "./store.ts";

export async function getWebsite(
  services: Services,
  actor: Actor,
  id: string,
): Promise<Website> {
  return forActor(
    toWebsite(await ownedWebsite(services.readDb, actor, id), services.config),
    actor,
  );
}
