import { eq } from "drizzle-orm";
import { statusDomains, statusPages } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { releaseCertificates } from "../status_domains/remove.ts";
import { loadOwnedPage } from "./pages.ts";
import { forgetPublicPage } from "./public.ts";

/**
 * Deletes a page with its website list and domains. The domains' certificates at Fly go
 * first: if Fly cannot be reached the page stays, and deleting again is a clean retry.
 */
export async function deleteStatusPage(
  services: Services,
  actor: Actor,
  id: string,
): Promise<{ id: string }> {
  const page = await loadOwnedPage(services.db, actor, id);
  const domains = await services.db.select().from(statusDomains)
    .where(eq(statusDomains.statusPageId, page.id));
  await releaseCertificates(services, domains);
  await services.db.delete(statusPages).where(eq(statusPages.id, page.id));
  forgetPublicPage(services, page.slug);
  return { id: page.id };
}
