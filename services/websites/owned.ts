import { and, eq, inArray } from "drizzle-orm";
import { websites } from "../../db/postgres/schema.ts";
import type { Actor } from "../context.ts";
import { notFound } from "../errors.ts";
import type { Queryable } from "../status_pages/pages.ts";

/**
 * NOT_FOUND unless every id is one of the actor's websites: another user's website is as
 * unknown as none. For services that link websites to something of the actor's.
 */
export async function assertOwnWebsites(
  db: Queryable,
  actor: Actor,
  websiteIds: string[],
): Promise<void> {
  if (!websiteIds.length) return;
  const owned = new Set(
    (await db.select({ id: websites.id }).from(websites)
      .where(and(eq(websites.ownerId, actor.accountId), inArray(websites.id, websiteIds))))
      .map((row) => row.id),
  );
  const missing = websiteIds.find((id) => !owned.has(id));
  if (missing) throw notFound(`website ${missing}`);
}
