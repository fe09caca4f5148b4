/**
 * What the link in a subscriber's mails does: shows the subscription, confirms it, or
 * ends it (the row is deleted: we keep no address of someone who left). The token is the
 * only key; a wrong or spent one finds nothing.
 */
import type { Services } from "../context.ts";
import { tokenSchema } from "./input.ts";

export interface Subscription {
  email: string;
  confirmed: boolean;
  pageTitle: string;
}

export async function subscriptionByToken(
  services: Services,
  slug: string,
  token: string,
): Promise<Subscription | null> {
  if (!tokenSchema.safeParse(token).success) return null;
  const [row] = await services.sql`
    select s.email, s.confirmed_at is not null as confirmed, p.title
    from status_page_subscribers s join status_pages p on p.id = s.status_page_id
    where s.token = ${token} and p.slug = ${slug}`;
  return row ? { email: row.email, confirmed: row.confirmed, pageTitle: row.title } : null;
}

/** Confirms the subscription (again is fine); false when the link is not one. */
export async function confirmSubscription(
  services: Services,
  slug: string,
  token: string,
): Promise<boolean> {
  if (!tokenSchema.safeParse(token).success) return false;
  const rows = await services.sql`
    update status_page_subscribers s set confirmed_at = coalesce(s.confirmed_at, now())
    from status_pages p
    where s.token = ${token} and p.id = s.status_page_id and p.slug = ${slug}
    returning s.id`;
  return rows.length > 0;
}

/** Ends the subscription and forgets the address; false when there was none (already ended). */
export async function unsubscribe(
  services: Services,
  slug: string,
  token: string,
): Promise<boolean> {
  if (!tokenSchema.safeParse(token).success) return false;
  const rows = await services.sql`
    delete from status_page_subscribers s using status_pages p
    where s.token = ${token} and p.id = s.status_page_id and p.slug = ${slug}
    returning s.id`;
  return rows.length > 0;
}
