import { targetHostname } from "../../lib/target_host.ts";

/** How a monitor is named in lists: its name, else its URL's host. */
export function monitorLabel(website: { name: string | null; url: string }): string {
  return website.name || targetHostname(website.url) || website.url;
}
