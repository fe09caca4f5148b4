/**
 * What the link in a subscriber's mails does: shows the subscription, confirms it, or
 * ends it (the row is deleted: we keep no address of someone who left). The token is the
 * only key, whatever address the link names the page by (a page renamed since the mail
 * was sent still lets its subscribers leave); a wrong or spent one finds nothing.
 */
import type { Services } from "../context.ts";
import { tokenSchema } from "./input.ts";
import { chosenMonitors, type PageMonitor, pageMonitors } from "./monitors.ts";

export interface Subscription {
  email: string;
  confirmed: boolean;
  page: { slug: string; title: string };
  /** The page's monitors, as it names them. */
  monitors: PageMonitor[];
  /** Those it is mailed about; null: all of them. */
  chosen: string[] | null;
}

export async function subscriptionByToken(
  services: Services,
  token: string,
): Promise<Subscription | null> {
  if (!tokenSchema.safeParse(token).success) return null;
  const [row] = await services.sql`
    select s.email, s.confirmed_at is not null as confirmed, s.website_ids, p.id as page_id,
      p.slug, p.title
    from status_page_subscribers s join status_pages p on p.id = s.status_page_id
    where s.token = ${token}`;
  if (!row) return null;
  return {
    email: row.email,
    confirmed: row.confirmed,
    page: { slug: row.slug, title: row.title },
    monitors: await pageMonitors(services.sql, row.page_id),
    chosen: row.website_ids,
  };
}

/**
 * Sets which monitors the subscription is mailed about (`input`: `choosing`, `monitors`
 * and `offered` as the form sends them); returns the subscription as it now is, or null when the link
 * is not one. A choice that is no choice throws, naming the field.
 */
export async function chooseMonitors(
  services: Services,
  token: string,
  input: unknown,
): Promise<Subscription | null> {
  const subscription = await subscriptionByToken(services, token);
  if (!subscription) return null;
  const chosen = chosenMonitors(input, subscription.monitors);
  const rows = await services.sql`
    update status_page_subscribers set website_ids = ${chosen}::uuid[]
    where token = ${token} returning id`;
  return rows.length ? { ...subscription, chosen } : null;
}

/** Confirms the subscription (again is fine); false when the link is not one. */
export async function confirmSubscription(services: Services, token: string): Promise<boolean> {
  if (!tokenSchema.safeParse(token).success) return false;
  const rows = await services.sql`
    update status_page_subscribers set confirmed_at = coalesce(confirmed_at, now())
    where token = ${token} returning id`;
  return rows.length > 0;
}

/** Ends the subscription and forgets the address; false when there was none (already ended). */
export async function unsubscribe(services: Services, token: string): Promise<boolean> {
  if (!tokenSchema.safeParse(token).success) return false;
  const rows = await services.sql`
    delete from status_page_subscribers where token = ${token} returning id`;
  return rows.length > 0;
}
