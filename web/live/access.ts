/**
 * Who may follow which websites live: their owner, and anyone for the websites of a
 * status page (every status page is public). One Postgres query per question.
 */
import type { Services } from "../../services/context.ts";

/** The subset of `websiteIds` that `userId` owns. */
export async function ownedWebsiteIds(
  services: Services,
  userId: string,
  websiteIds: readonly string[],
): Promise<Set<string>> {
  if (!websiteIds.length) return new Set();
  const rows = await services.sql<{ id: string }[]>`
    select id from websites where owner_id = ${userId} and id = any(${websiteIds}::uuid[])`;
  return new Set(rows.map((row) => row.id));
}

/** The websites shown on the status page `slug`; null when there is no such page. */
export async function statusPageWebsiteIds(
  services: Services,
  slug: string,
): Promise<string[] | null> {
  const rows = await services.sql<{ website_id: string | null }[]>`
    select spw.website_id from status_pages sp
    left join status_page_websites spw on spw.status_page_id = sp.id
    where sp.slug = ${slug}`;
  if (!rows.length) return null;
  return rows.flatMap((row) => row.website_id ? [row.website_id] : []);
}
