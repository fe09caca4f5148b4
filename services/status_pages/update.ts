import { eq, sql } from "drizzle-orm";
import { statusDomains, statusPages } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { forgetHost } from "../status_domains/route_host.ts";
import { forgetPublicPage } from "./public.ts";
import type { UpdateStatusPageInput } from "./input.ts";
import { isUniqueViolation } from "../errors.ts";
import { hashPassword } from "../users/password.ts";
import {
  assertCanMail,
  loadOwnedPage,
  pageWebsites,
  replaceWebsites,
  slugTaken,
  type StatusPageView,
  toView,
} from "./pages.ts";

/**
 * Changes what is given and keeps the rest. New `websiteIds` without `showUrls` (or
 * `sections`) keep the URL choice (and section) of websites that stay on the page; given,
 * each is the whole list (map): a website left out has its URL hidden (no section). The
 * page shows the change at once, at its new address too (a slug visited before it existed
 * was remembered as no page).
 */
export async function updateStatusPage(
  services: Services,
  actor: Actor,
  input: UpdateStatusPageInput,
): Promise<StatusPageView> {
  assertCanMail(services, input.subscriptions);
  // Hashed before the transaction: scrypt takes a while and much memory.
  const passwordHash = input.password ? await hashPassword(input.password) : input.password;
  try {
    const { view, before, hostnames } = await services.db.transaction(async (tx) => {
      const before = await loadOwnedPage(tx, actor, input.id);
      if (input.websiteIds || input.showUrls || input.sections) {
        const current = (await pageWebsites(tx, [input.id])).get(input.id)!;
        const websiteIds = input.websiteIds ?? current.map((w) => w.websiteId);
        const staying = current.filter((w) => websiteIds.includes(w.websiteId));
        const showUrls = input.showUrls ??
          staying.filter((w) => w.showUrl).map((w) => w.websiteId);
        const sections = input.sections ??
          Object.fromEntries(staying.map((w) => [w.websiteId, w.section]));
        await replaceWebsites(tx, actor, input.id, websiteIds, showUrls, sections);
      }
      const [page] = await tx.update(statusPages)
        .set({
          ...(input.slug !== undefined && { slug: input.slug }),
          ...(input.title !== undefined && { title: input.title }),
          ...(input.subscriptions !== undefined && { subscriptions: input.subscriptions }),
          ...(input.description !== undefined && { description: input.description }),
          ...(input.homepageUrl !== undefined && { homepageUrl: input.homepageUrl }),
          ...(passwordHash !== undefined && { passwordHash }),
          updatedAt: sql`now()`,
        })
        .where(eq(statusPages.id, input.id))
        .returning();
      // Turned off: what was queued for its subscribers is not sent either.
      if (input.subscriptions === false) {
        await tx.execute(sql`
          delete from subscriber_mails m using status_page_subscribers s
          where s.id = m.subscriber_id and s.status_page_id = ${page.id}
            and m.status = 'pending'`);
      }
      // A new slug: the page's domains serve it from now on.
      const domains = page.slug === before.slug ? [] : await tx.select({
        hostname: statusDomains.hostname,
      }).from(statusDomains).where(eq(statusDomains.statusPageId, page.id));
      const view = toView(page, (await pageWebsites(tx, [page.id])).get(page.id)!);
      return { view, before, hostnames: domains.map((d) => d.hostname) };
    });
    forgetPublicPage(services, before.slug);
    forgetPublicPage(services, view.slug);
    for (const hostname of hostnames) forgetHost(services, hostname);
    return view;
  } catch (error) {
    if (input.slug !== undefined && isUniqueViolation(error)) throw slugTaken(input.slug);
    throw error;
  }
}
