/** The actor's websites, oldest first (a stable order for the dashboard). */
import { asc, eq } from "drizzle-orm";
import { websites } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { forActor, toWebsite, type Website } from "./store.ts";

export async function listWebsites(services: Services, actor: Actor): Promise<Website[]> {
  const rows = await services.readDb.select().from(websites)
    .where(eq(websites.ownerId, actor.accountId))
    .orderBy(asc(websites.createdAt), asc(websites.id));
  return rows.map((row) => forActor(toWebsite(row, services.config), actor));
}
