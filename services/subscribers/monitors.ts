/**
 * Which of a page's monitors a subscriber is mailed about: all of them (null, which takes
 * in monitors added later), or some. Mails about a monitor go to those who follow it.
 */
import type postgres from "postgres";
import { DomainError } from "../errors.ts";
import { publicMonitorName } from "../status_pages/public.ts";
import { monitorChoiceInput } from "./input.ts";

/** A monitor as the public page names it. */
export interface PageMonitor {
  id: string;
  name: string;
}

/** The page's monitors, in its order, named as it names them. */
export async function pageMonitors(sql: postgres.Sql, pageId: string): Promise<PageMonitor[]> {
  const rows = await sql`
    select w.id, w.name, w.url, e.show_url from status_page_websites e
    join websites w on w.id = e.website_id
    where e.status_page_id = ${pageId} order by e.position`;
  return rows.map((row, index) => ({
    id: row.id,
    name: publicMonitorName({ name: row.name, url: row.url, showUrl: row.show_url }, index),
  }));
}

/**
 * The choice a form sent, checked against the page: null for all (every monitor ticked,
 * or a form that showed none), or the ticked ones the page shows, in its order. A tick
 * for a monitor the page has dropped since the form was drawn is ignored; none left is an
 * error naming the field.
 */
export function chosenMonitors(input: unknown, monitors: PageMonitor[]): string[] | null {
  const choice = monitorChoiceInput.parse(input);
  if (!choice.choosing) return null;
  const ticked = new Set(choice.monitors);
  const chosen = monitors.filter((m) => ticked.has(m.id)).map((m) => m.id);
  if (!chosen.length) throw new DomainError("BAD_REQUEST", "monitors: tick at least one monitor");
  return chosen.length === monitors.length ? null : chosen;
}

/** What a subscription is about, in words: "a monitor on Acme status", "API or Docs". */
export function followedWords(
  chosen: string[] | null,
  monitors: PageMonitor[],
  heading: string,
): string {
  const names = chosen && monitors.filter((m) => chosen.includes(m.id)).map((m) => m.name);
  if (!names?.length) return `a monitor on ${heading}`;
  return names.length === 1
    ? `${names[0]} on ${heading}`
    : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]} on ${heading}`;
}
