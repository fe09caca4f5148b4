/** How a monitor is named in lists: its name, else its URL's host. */
export function monitorLabel(website: { name: string | null; url: string }): string {
  if (website.name) return website.name;
  try {
    return new URL(website.url).hostname;
  } catch {
    return website.url;
  }
}
