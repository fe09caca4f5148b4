import { asc, eq } from "drizzle-orm";
import { statusDomains } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { assertOwnedPage, type StatusDomainView, toDomainView } from "./domains.ts";

/**
 * The domains of one of the actor's pages, as stored, with the DNS records each needs
 * (verify checks DNS and asks Fly for fresh state).
 */
export async function listStatusDomains(
  services: Services,
  actor: Actor,
  statusPageId: string,
): Promise<StatusDomainView[]> {
  await assertOwnedPage(services.readDb, actor, statusPageId);
  const rows = await services.readDb.select().from(statusDomains)
    .where(eq(statusDomains.statusPageId, statusPageId))
    .orderBy(asc(statusDomains.createdAt), asc(statusDomains.hostname));
  return rows.map((row) => toDomainView(services, row));
}
