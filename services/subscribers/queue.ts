/**
 * Queues mails to subscribers in Postgres (`subscriber_mails`, sent by the notification
 * dispatcher's MailQueue; nothing where SMTP_URL is not set) and wakes the
 * senders with a NOTIFY on {@link MAIL_CHANNEL}. Queueing is idempotent per (subscriber, key): an event read twice
 * mails nobody twice.
 */
import type postgres from "postgres";
import type { AlertEvent } from "../../lib/incident_event.ts";
import { publicMonitorName } from "../status_pages/public.ts";
import type { Services } from "../context.ts";
import type { Config } from "../../lib/config.ts";
import { log } from "../../lib/logger.ts";
import {
  confirmationMail,
  incidentMail,
  type MailText,
  type MaintenanceFacts,
  maintenanceMail,
  type PageAddress,
  subscriptionUrl,
  updateMail,
} from "./mails.ts";

/** The Postgres notification channel the senders listen on. */
export const MAIL_CHANNEL = "subscriber_mails";

type Sql = postgres.Sql | postgres.TransactionSql;

/** A page's verified custom domain (the oldest, when it has several), for its links. */
export const verifiedHostname = (sql: Sql, pageId: postgres.Fragment | string) =>
  sql`(select d.hostname from status_domains d
       where d.status_page_id = ${pageId} and d.verified_at is not null
       order by d.verified_at limit 1)`;

interface Recipient {
  subscriberId: string;
  token: string;
  page: PageAddress;
  /** Those of the monitors this page shows, as it names them, in its order. */
  monitors: string[];
}

/**
 * The confirmed subscribers of every page that shows one of the monitors and takes
 * subscriptions, once each, who follow one of them (all the page's, or it among theirs).
 */
async function recipientsOf(sql: Sql, websiteIds: string[]): Promise<Recipient[]> {
  if (!websiteIds.length) return [];
  const rows = await sql`
    select s.id, s.token, p.slug, p.title, ${verifiedHostname(sql, sql`p.id`)} as hostname,
      w.name, w.url, e.show_url,
      (select count(*)::int from status_page_websites o
       where o.status_page_id = p.id and o.position < e.position) as index
    from status_page_websites e
    join status_pages p on p.id = e.status_page_id and p.subscriptions
    join websites w on w.id = e.website_id
    join status_page_subscribers s on s.status_page_id = p.id and s.confirmed_at is not null
      and (s.website_ids is null or e.website_id = any(s.website_ids))
    where e.website_id = any(${websiteIds}::uuid[])
    order by s.id, e.position`;
  const bySubscriber = new Map<string, Recipient>();
  for (const row of rows) {
    const name = publicMonitorName(
      { name: row.name, url: row.url, showUrl: row.show_url },
      row.index,
    );
    const known = bySubscriber.get(row.id);
    if (known) known.monitors.push(name);
    else {
      bySubscriber.set(row.id, {
        subscriberId: row.id,
        token: row.token,
        page: { slug: row.slug, title: row.title, hostname: row.hostname },
        monitors: [name],
      });
    }
  }
  return [...bySubscriber.values()];
}

interface QueuedMail extends MailText {
  subscriberId: string;
  key: string;
  unsubscribeUrl: string;
}

/** Rows per insert: a statement takes at most 65,535 parameters, five per mail here. */
const INSERT_ROWS = 1_000;

/** Inserts the mails not queued before and wakes the senders; returns how many are new. */
async function queue(sql: Sql, mails: QueuedMail[]): Promise<number> {
  let inserted = 0;
  for (let from = 0; from < mails.length; from += INSERT_ROWS) {
    const rows = mails.slice(from, from + INSERT_ROWS).map((mail) => ({
      subscriber_id: mail.subscriberId,
      key: mail.key,
      subject: mail.subject,
      body: mail.body,
      unsubscribe_url: mail.unsubscribeUrl,
    }));
    inserted += (await sql`
      insert into subscriber_mails
        ${sql(rows, "subscriber_id", "key", "subject", "body", "unsubscribe_url")}
      on conflict (subscriber_id, key) do nothing
      returning id`).length;
  }
  if (inserted) await sql`select pg_notify(${MAIL_CHANNEL}, '')`;
  return inserted;
}

/**
 * Writes each recipient among the subscribers of the pages showing these monitors their
 * mail (`write` gets the subscription's link) and queues it under `key`; nothing where
 * SMTP_URL is not set. Returns how many are new.
 */
async function tellSubscribers(
  sql: Sql,
  config: Config,
  websiteIds: string[],
  key: string,
  write: (recipient: Recipient, link: string) => MailText,
): Promise<number> {
  if (!config.notifications.smtpUrl) return 0;
  const recipients = await recipientsOf(sql, websiteIds);
  return queue(
    sql,
    recipients.map((r) => {
      const link = subscriptionUrl(config.appUrl, r.page, r.token);
      return { ...write(r, link), subscriberId: r.subscriberId, key, unsubscribeUrl: link };
    }),
  );
}

/**
 * A monitor went down or came back: each page showing it tells its subscribers (who hear
 * nothing of certificates or of the team's reminders and escalations).
 */
export function queueIncidentMails(sql: Sql, config: Config, event: AlertEvent): Promise<number> {
  if (event.type !== "opened" && event.type !== "resolved") return Promise.resolve(0);
  return tellSubscribers(
    sql,
    config,
    [event.websiteId],
    event.id,
    (r, link) => incidentMail(config.appUrl, r.page, r.monitors[0], event, link),
  );
}

/** The owner posted an update about an incident of this monitor. */
export function queueUpdateMails(
  sql: Sql,
  config: Config,
  websiteId: string,
  update: { id: string; statusWord: string; message: string; createdAt: number },
): Promise<number> {
  return tellSubscribers(
    sql,
    config,
    [websiteId],
    `update:${update.id}`,
    (r, link) => updateMail(config.appUrl, r.page, r.monitors[0], update, link),
  );
}

/**
 * A maintenance window of these monitors was scheduled, moved or cancelled: each page
 * showing some of them tells its subscribers, once per window and change. Called after the
 * change is committed; a failure here is logged, and the change stands.
 */
export async function queueMaintenanceMails(
  services: Services,
  window: MaintenanceFacts & { id: string },
  websiteIds: string[],
): Promise<void> {
  const { config } = services;
  const change = window.kind === "changed" ? `:${window.startsAt}:${window.endsAt}` : "";
  try {
    await tellSubscribers(
      services.sql,
      config,
      websiteIds,
      `maintenance:${window.id}:${window.kind}${change}`,
      (r, link) => maintenanceMail(config.appUrl, r.page, r.monitors, window, link),
    );
  } catch (error) {
    log.error("maintenance.subscriber_mails_failed", { error, maintenanceId: window.id });
  }
}

/** The mail that asks a new subscriber to confirm. */
export function queueConfirmation(
  sql: Sql,
  appUrl: string,
  subscriber: { id: string; token: string },
  page: PageAddress,
): Promise<number> {
  const link = subscriptionUrl(appUrl, page, subscriber.token);
  return queue(sql, [{
    ...confirmationMail(page, link),
    subscriberId: subscriber.id,
    key: `confirm:${Date.now()}`,
    unsubscribeUrl: link,
  }]);
}
