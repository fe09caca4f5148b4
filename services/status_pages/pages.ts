/** What the status-page verbs share: loading an owned page, its websites, and its shape. */
import { and, asc, eq, inArray } from "drizzle-orm";
import { statusPages, statusPageWebsites } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { DomainError, notFound } from "../errors.ts";
import { assertOwnWebsites } from "../websites/owned.ts";

/** A transaction or the database itself: both run the same queries. */
export type Queryable = Pick<Services["db"], "select" | "insert" | "update" | "delete">;

export interface StatusPageWebsite {
  websiteId: string;
  position: number;
  showUrl: boolean;
  /** The heading it is shown under; "" for none. */
  section: string;
}

/** A status page as its owner sees it. */
export interface StatusPageView {
  id: string;
  slug: string;
  title: string;
  /** Whether visitors may subscribe to its incidents by email. */
  subscriptions: boolean;
  /** Plain text under the title; "" for none. */
  description: string;
  /** The owner's own site, linked from the page; null for none. */
  homepageUrl: string | null;
  /** Only visitors with its password see it (access.ts). */
  private: boolean;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms. */
  updatedAt: number;
  websites: StatusPageWebsite[];
}

type PageRow = typeof statusPages.$inferSelect;

/** Whether the page offers subscriptions: it asks for them and this deployment can mail. */
export const takesSubscriptions = (services: Services, page: { subscriptions: boolean }) =>
  page.subscriptions && services.config.notifications.smtpUrl !== null;

/** Subscriptions need mail: refused where SMTP_URL is not set. */
export function assertCanMail(services: Services, subscriptions: boolean | undefined): void {
  if (subscriptions && !services.config.notifications.smtpUrl) {
    throw new DomainError(
      "BAD_REQUEST",
      "subscriptions: this deployment cannot send email (SMTP_URL is not set)",
    );
  }
}

/** The actor's page, or NOT_FOUND: another user's page is indistinguishable from none. */
export async function loadOwnedPage(db: Queryable, actor: Actor, id: string): Promise<PageRow> {
  const [page] = await db.select().from(statusPages)
    .where(and(eq(statusPages.id, id), eq(statusPages.ownerId, actor.accountId)));
  if (!page) throw notFound("status page");
  return page;
}

export async function pageWebsites(
  db: Queryable,
  pageIds: string[],
): Promise<Map<string, StatusPageWebsite[]>> {
  const byPage = new Map<string, StatusPageWebsite[]>(pageIds.map((id) => [id, []]));
  if (!pageIds.length) return byPage;
  const rows = await db.select().from(statusPageWebsites)
    .where(inArray(statusPageWebsites.statusPageId, pageIds))
    .orderBy(asc(statusPageWebsites.position));
  for (const row of rows) {
    byPage.get(row.statusPageId)?.push({
      websiteId: row.websiteId,
      position: row.position,
      showUrl: row.showUrl,
      section: row.section,
    });
  }
  return byPage;
}

export function toView(page: PageRow, entries: StatusPageWebsite[]): StatusPageView {
  return {
    id: page.id,
    slug: page.slug,
    title: page.title,
    subscriptions: page.subscriptions,
    description: page.description,
    homepageUrl: page.homepageUrl,
    private: page.passwordHash !== null,
    createdAt: page.createdAt.getTime(),
    updatedAt: page.updatedAt.getTime(),
    websites: entries,
  };
}

/**
 * Replaces a page's websites with `websiteIds`, in that order. Every id must be one of
 * the actor's websites, and every id in `showUrls` and `sections` one of `websiteIds`.
 */
export async function replaceWebsites(
  db: Queryable,
  actor: Actor,
  pageId: string,
  websiteIds: string[],
  showUrls: string[],
  sections: Record<string, string> = {},
): Promise<void> {
  const listed = new Set(websiteIds);
  for (const [field, ids] of [["showUrls", showUrls], ["sections", Object.keys(sections)]]) {
    const stray = (ids as string[]).find((id) => !listed.has(id));
    if (stray) {
      throw new DomainError(
        "BAD_REQUEST",
        `${field}: website ${stray} is not one of the page's websiteIds`,
      );
    }
  }
  await assertOwnWebsites(db, actor, websiteIds);
  await db.delete(statusPageWebsites).where(eq(statusPageWebsites.statusPageId, pageId));
  if (!websiteIds.length) return;
  const shown = new Set(showUrls);
  await db.insert(statusPageWebsites).values(websiteIds.map((websiteId, position) => ({
    statusPageId: pageId,
    websiteId,
    position,
    showUrl: shown.has(websiteId),
    section: sections[websiteId] ?? "",
  })));
}

export const slugTaken = (slug: string) =>
  new DomainError("CONFLICT", `slug: "${slug}" is already taken, choose another`);
