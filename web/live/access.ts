/**
 * Who may follow which websites live: their team, and anyone for the websites of a
 * status page (a private one's visitors with its access cookie). One Postgres query per
 * question.
 */
import type { Services } from "../../services/context.ts";
import { mayView } from "../../services/status_pages/access.ts";

/**
 * The websites of `websiteIds` in the team `user.accountId`, each with the regions that
 * check it; none once the user is no longer in that team.
 */
export async function ownedWebsites(
  services: Services,
  user: { id: string; accountId: string },
  websiteIds: readonly string[],
): Promise<Map<string, string[]>> {
  if (!websiteIds.length) return new Map();
  const rows = await services.sql<{ id: string; regions: string[] }[]>`
    select id, regions from websites
    where owner_id = ${user.accountId} and id = any(${websiteIds}::uuid[])
      and (${user.accountId}::uuid = ${user.id}::uuid or exists (
        select 1 from account_members
        where account_id = ${user.accountId} and user_id = ${user.id}))`;
  return new Map(rows.map((row) => [row.id, row.regions]));
}

/** The websites shown on the status page `slug`; null when there is no such page (to see). */
export async function statusPageWebsiteIds(
  services: Services,
  slug: string,
  cookies: string | null,
): Promise<string[] | null> {
  const rows = await services.sql<
    { id: string; password_hash: string | null; website_id: string | null }[]
  >`
    select sp.id, sp.password_hash, spw.website_id from status_pages sp
    left join status_page_websites spw on spw.status_page_id = sp.id
    where sp.slug = ${slug}`;
  // A private page's live updates only for a browser that gave its password.
  if (!rows.length || !mayView(cookies, { id: rows[0].id, passwordHash: rows[0].password_hash })) {
    return null;
  }
  return rows.flatMap((row) => row.website_id ? [row.website_id] : []);
}
