/** The owner's view of a page's subscribers, all of them as CSV, and removing one. */
import { refuseViewer } from "../teams/teams.ts";
import { stringify } from "csv-stringify/sync";
import type { Actor, Services } from "../context.ts";
import { notFound } from "../errors.ts";
import { loadOwnedPage } from "../status_pages/pages.ts";
import { chosenNames, pageMonitors } from "./monitors.ts";

export interface Subscriber {
  id: string;
  email: string;
  /** Epoch ms; null while the address has not confirmed. */
  confirmedAt: number | null;
  /** Epoch ms. */
  createdAt: number;
  /** The monitors it is mailed about, as the page names them; null: all of them. */
  monitors: string[] | null;
}

export interface Subscribers {
  confirmed: number;
  waiting: number;
  /** The newest 500. */
  subscribers: Subscriber[];
}

export const LISTED = 500;

export async function listSubscribers(
  services: Services,
  actor: Actor,
  pageId: string,
): Promise<Subscribers> {
  refuseViewer(actor); // the addresses are people's, given to the team, not to its viewers
  const page = await loadOwnedPage(services.readDb, actor, pageId);
  const [counts, rows, monitors] = await Promise.all([
    services.readSql`
      select count(*) filter (where confirmed_at is not null)::int as confirmed,
        count(*) filter (where confirmed_at is null)::int as waiting
      from status_page_subscribers where status_page_id = ${page.id}`,
    services.readSql`
      select id, email, confirmed_at, created_at, website_ids from status_page_subscribers
      where status_page_id = ${page.id} order by created_at desc, id limit ${LISTED}`,
    pageMonitors(services.readSql, page.id),
  ]);
  return {
    confirmed: counts[0].confirmed,
    waiting: counts[0].waiting,
    subscribers: rows.map((row) => ({
      id: row.id,
      email: row.email,
      // drizzle has postgres.js return timestamps as text.
      confirmedAt: row.confirmed_at ? new Date(row.confirmed_at).getTime() : null,
      createdAt: new Date(row.created_at).getTime(),
      monitors: chosenNames(row.website_ids, monitors),
    })),
  };
}

/**
 * Every subscriber of the actor's page, oldest first, as CSV for a spreadsheet or a mail
 * tool: address, whether confirmed, when asked and confirmed (ISO 8601, UTC), and the
 * monitors ("all", or their names). A cell that a spreadsheet would run as a formula
 * (`=`, `+`, `-`, `@`) starts with a `'`.
 */
export async function subscribersCsv(
  services: Services,
  actor: Actor,
  pageId: string,
): Promise<{ filename: string; csv: string }> {
  refuseViewer(actor);
  const page = await loadOwnedPage(services.readDb, actor, pageId);
  const [rows, monitors] = await Promise.all([
    services.readSql`
      select email, confirmed_at, created_at, website_ids from status_page_subscribers
      where status_page_id = ${page.id} order by created_at, id`,
    pageMonitors(services.readSql, page.id),
  ]);
  const iso = (at: string | null) => at ? new Date(at).toISOString() : "";
  const csv = stringify(
    rows.map((row) => [
      row.email,
      row.confirmed_at ? "confirmed" : "not confirmed",
      iso(row.created_at),
      iso(row.confirmed_at),
      chosenNames(row.website_ids, monitors)?.join("; ") ?? "all",
    ]),
    {
      header: true,
      columns: ["email", "status", "asked_at", "confirmed_at", "monitors"],
      escape_formulas: true,
    },
  );
  return { filename: `${page.slug}-subscribers.csv`, csv };
}

/** Removes a subscriber of one of the actor's pages; returns its page's id. */
export async function removeSubscriber(
  services: Services,
  actor: Actor,
  id: string,
): Promise<{ statusPageId: string }> {
  const [row] = await services.sql`
    delete from status_page_subscribers s using status_pages p
    where s.id = ${id} and p.id = s.status_page_id and p.owner_id = ${actor.accountId}
    returning s.status_page_id`;
  if (!row) throw notFound("Subscriber");
  return { statusPageId: row.status_page_id };
}
