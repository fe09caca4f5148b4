import { asc, eq } from "drizzle-orm";
import { statusPages } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { pageWebsites, type StatusPageView, toView } from "./pages.ts";

/** The actor's pages, oldest first. */
export async function listStatusPages(
  services: Services,
  actor: Actor,
): Promise<StatusPageView[]> {
  const pages = await services.readDb.select().from(statusPages)
    .where(eq(statusPages.ownerId, actor.accountId))
    .orderBy(asc(statusPages.createdAt), asc(statusPages.id));
  const entries = await pageWebsites(services.readDb, pages.map((p) => p.id));
  return pages.map((page) => toView(page, entries.get(page.id)!));
}
