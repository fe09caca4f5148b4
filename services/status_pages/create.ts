import { statusPages } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import type { CreateStatusPageInput } from "./input.ts";
import { hashPassword } from "../users/password.ts";
import {
  assertCanMail,
  pageWebsites,
  replaceWebsites,
  slugTaken,
  type StatusPageView,
  toView,
} from "./pages.ts";

/** Creates a page showing some of the actor's websites; the slug must be free. */
export async function createStatusPage(
  services: Services,
  actor: Actor,
  input: CreateStatusPageInput,
): Promise<StatusPageView> {
  assertCanMail(services, input.subscriptions);
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return await services.db.transaction(async (tx) => {
    const [page] = await tx.insert(statusPages)
      .values({
        ownerId: actor.accountId,
        slug: input.slug,
        title: input.title,
        subscriptions: input.subscriptions ?? false,
        description: input.description ?? "",
        homepageUrl: input.homepageUrl ?? null,
        passwordHash,
      })
      .onConflictDoNothing({ target: statusPages.slug })
      .returning();
    if (!page) throw slugTaken(input.slug);
    await replaceWebsites(
      tx,
      actor,
      page.id,
      input.websiteIds,
      input.showUrls ?? [],
      input.sections,
    );
    return toView(page, (await pageWebsites(tx, [page.id])).get(page.id)!);
  });
}
