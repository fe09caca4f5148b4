/** One of the actor's incidents; NOT_FOUND for anyone else's. */
import type { Actor, Services } from "../context.ts";
import { type Incident, ownedIncident } from "./store.ts";

export async function getIncident(
  services: Services,
  actor: Actor,
  id: string,
): Promise<Incident> {
  return await ownedIncident(services.readSql, actor, id);
}
