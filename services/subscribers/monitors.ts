/**
 * Which of a page's monitors a subscriber is mailed about: all of them (null, which takes
 * in monitors added later), or some. Mails about a monitor go to those who follow it.
 */
import type postgres from "postgres";
import { DomainError } from "../errors.ts";
import { publicMonitorName } from "../status_pages/public.ts";
import { monitorChoiceInput } from "./input.ts";

/** A monitor as the public page names it, and the section it shows it under. */
export interface PageMonitor {
  id: string;
  name: string;
  section: string;
}

/** The page's monitors, in its order, named as it names them. */
export async function pageMonitors(sql: postgres.Sql, pageId: string): Promise<PageMonitor[]> {
  const rows = await sql`
    select w.id, w.name, w.url, e.show_url, e.section from status_page_websites e
    join websites w on w.id = e.website_id
    where e.status_page_id = ${pageId} order by e.position`;
  return rows.map((row, index) => ({
    id: row.id,
    name: publicMonitorName({ name: row.name, url: row.url, showUrl: row.show_url }, index),
    section: row.section,
  }));
}

/**
 * The choice a form sent, checked against the page: null for all (every monitor the form
 * offered ticked, which takes in those added since it was drawn; or a form that offered
 * none), or the ticked ones the page shows, in its order. A tick for a monitor the page
 * has dropped since is ignored; none left is an error naming the field.
 */
export function chosenMonitors(input: unknown, monitors: PageMonitor[]): string[] | null {
  const choice = monitorChoiceInput.parse(input);
  if (!choice.choosing || allTicked(choice)) return null;
  const ticked = new Set(choice.monitors);
  const chosen = monitors.filter((m) => ticked.has(m.id)).map((m) => m.id);
  if (!chosen.length) throw new DomainError("BAD_REQUEST", "monitors: tick at least one monitor");
  return chosen;
}

/** Whether a form ticked every monitor it offered (a form that offered none, too). */
export function allTicked(choice: { monitors: string[]; offered: string[] }): boolean {
  const ticked = new Set(choice.monitors);
  return choice.offered.every((id) => ticked.has(id));
}

/** The names of the chosen monitors the page still shows, in its order; null for all. */
export function chosenNames(chosen: string[] | null, monitors: PageMonitor[]): string[] | null {
  return chosen && monitors.filter((m) => chosen.includes(m.id)).map((m) => m.name);
}

/**
 * What a subscription is about, in words: "a monitor on Acme status", "API or Docs on Acme
 * status"; null when none of the monitors it chose is on the page any more.
 */
export function followedWords(
  chosen: string[] | null,
  monitors: PageMonitor[],
  heading: string,
): string | null {
  const names = chosenNames(chosen, monitors);
  if (names === null) return `a monitor on ${heading}`;
  if (!names.length) return null;
  return names.length === 1
    ? `${names[0]} on ${heading}`
    : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]} on ${heading}`;
}
