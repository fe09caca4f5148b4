/**
 * A visitor asks a status page for its incidents and maintenance by email. Double opt-in: the address
 * gets a link to confirm, and nothing else until it is confirmed. Asking again sends the
 * link again at most every 10 minutes; an address already confirmed is sent nothing, and
 * the answer is the same either way, so the form tells nobody who is subscribed.
 */
import type { Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import { enforceRateLimits } from "../users/rate_limit.ts";
import { takesSubscriptions } from "../status_pages/pages.ts";
import { mayView } from "../status_pages/access.ts";
import { newToken, subscribeInput } from "./input.ts";
import { queueConfirmation, verifiedHostname } from "./queue.ts";
import { chosenMonitors, type PageMonitor, pageMonitors } from "./monitors.ts";
import type { PageAddress } from "./mails.ts";

export const RESEND_AFTER_MINUTES = 10;

export interface SubscribablePage extends PageAddress {
  id: string;
  subscriptions: boolean;
  /** What the form offers to choose from, and what a choice is checked against. */
  monitors: PageMonitor[];
}

/** The page at `slug`, as subscribing needs it; null when there is none (to see). */
export async function subscribablePage(
  services: Services,
  slug: string,
  cookies: string | null,
): Promise<SubscribablePage | null> {
  const { sql } = services;
  const [page] = await sql`
    select p.id, p.slug, p.title, p.subscriptions, p.password_hash,
      ${verifiedHostname(sql, sql`p.id`)} as hostname
    from status_pages p where p.slug = ${slug}`;
  // A private page takes subscribers only from browsers that gave its password.
  return page && mayView(cookies, { id: page.id, passwordHash: page.password_hash })
    ? {
      id: page.id,
      slug: page.slug,
      title: page.title,
      subscriptions: page.subscriptions,
      hostname: page.hostname,
      monitors: await pageMonitors(sql, page.id),
    }
    : null;
}

/**
 * `input`: the address, and which monitors (`choosing`, `monitors`, `offered`; all when
 * not sent). The choice of an address already confirmed stays as its owner set it:
 * whoever types it in again changes nothing for it.
 */
export async function subscribe(
  services: Services,
  page: SubscribablePage,
  input: { email?: unknown; choosing?: unknown; monitors?: unknown; offered?: unknown },
  clientIp: string,
): Promise<{ email: string }> {
  if (!takesSubscriptions(services, page)) {
    throw new DomainError("BAD_REQUEST", "This status page does not send updates by email");
  }
  // Each schema is given its own fields: both refuse a key they do not know.
  const { email } = subscribeInput.parse({ email: input.email });
  const { sql } = services;
  const websiteIds = chosenMonitors(
    { choosing: input.choosing, monitors: input.monitors, offered: input.offered },
    page.monitors,
  );
  // A form that mails whoever is typed in must not become a way to flood an inbox.
  await enforceRateLimits(services, [
    { scope: "subscribe-ip", key: clientIp, max: 10, windowSeconds: 3_600 },
    { scope: "subscribe-page", key: page.id, max: 200, windowSeconds: 3_600 },
  ]);
  await sql.begin(async (tx) => {
    const [subscriber] = await tx`
      insert into status_page_subscribers (status_page_id, email, token, website_ids)
      values (${page.id}, ${email}, ${newToken()}, ${websiteIds}::uuid[])
      on conflict (status_page_id, email) do update set website_ids = case
        when status_page_subscribers.confirmed_at is null then excluded.website_ids
        else status_page_subscribers.website_ids end
      returning id, token`;
    const [due] = await tx`
      update status_page_subscribers set confirm_sent_at = now()
      where id = ${subscriber.id} and confirmed_at is null
        and (confirm_sent_at is null
          or confirm_sent_at < now() - ${RESEND_AFTER_MINUTES} * interval '1 minute')
      returning id`;
    if (due) {
      await queueConfirmation(
        tx,
        services.config.appUrl,
        { id: subscriber.id, token: subscriber.token },
        page,
      );
    }
  });
  return { email };
}
