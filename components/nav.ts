/** The dashboard's sections, in header order. Pages of other sections add themselves here. */
export const NAV_ITEMS: { href: string; label: string }[] = [
  { href: "/app", label: "Monitors" },
  { href: "/app/incidents", label: "Incidents" },
  { href: "/app/status-pages", label: "Status pages" },
  { href: "/app/notifications", label: "Notifications" },
  { href: "/app/account", label: "Account" },
];

/** The section a path belongs to: the longest nav prefix. */
export function activeSection(pathname: string): string {
  let best = "/app";
  for (const { href } of NAV_ITEMS) {
    if ((pathname === href || pathname.startsWith(`${href}/`)) && href.length > best.length) {
      best = href;
    }
  }
  if (best === "/app" && pathname.startsWith("/app/monitors")) return "/app";
  return best;
}
