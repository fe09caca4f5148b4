/**
 * Telling the status pages of some monitors that what they show changed (a maintenance
 * window, an incident update): drawn again on their next visit in this process, other
 * web machines follow within their cache period, and visitors who have one open are told
 * to load it again (`page-changed` on the live socket).
 */
import { eq, inArray } from "drizzle-orm";
import { statusPages, statusPageWebsites } from "../../db/postgres/schema.ts";
import type { Services } from "../context.ts";
import { forgetPublicPage } from "./public.ts";
import { log } from "../../lib/logger.ts";

export async function forgetPagesOf(services: Services, websiteIds: string[]): Promise<void> {
  if (!websiteIds.length) return;
  const pages = await services.db.selectDistinct({ slug: statusPages.slug }).from(statusPages)
    .innerJoin(statusPageWebsites, eq(statusPageWebsites.statusPageId, statusPages.id))
    .where(inArray(statusPageWebsites.websiteId, websiteIds));
  for (const { slug } of pages) forgetPublicPage(services, slug);
  // The change is made: open pages not hearing of it is no reason to say it failed.
  await services.redis.publish(
    services.keys.resultsChannel,
    JSON.stringify({ type: "page-changed", websiteIds }),
  ).catch((error) => log.warn("status_page.page_changed_unsent", { error }));
}
