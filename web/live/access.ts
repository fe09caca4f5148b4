/**
 * Who may follow which websites live: their team, and anyone for the websites of a
 * status page (every status page is public). One Postgres query per question.
 */
import type { Services } from "../../services/context.ts";

/**
 * The websites of `websiteIds` in the team `accountId`, each with the regions that check
 * it.
 */
export async function ownedWebsites(
  services: Services,
  accountId: string,
  websiteIds: readonly string[],
): Promise<Map<string, string[]>> {
  if (!websiteIds.length) return new Map();
  const rows = await services.sql<{ id: string; regions: string[] }[]>`
    select id, regions from websites
    where owner_id = ${accountId} and id = any(${websiteIds}::uuid[])`;
  return new Map(rows.map((row) => [row.id, row.regions]));
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
