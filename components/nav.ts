/** The dashboard's sections, in header order. Pages of other sections add themselves here. */
export const NAV_ITEMS: { href: string; label: string }[] = [
  { href: "/app", label: "Monitors" },
  { href: "/app/incidents", label: "Incidents" },
  { href: "/app/maintenance", label: "Maintenance" },
  { href: "/app/reports", label: "Reports" },
  { href: "/app/status-pages", label: "Status pages" },
  { href: "/app/notifications", label: "Notifications" },
  { href: "/app/team", label: "Team" },
  { href: "/app/account", label: "Account" },
];

/** The section a path belongs to; none for a path of no section (a 404 page). */
export function activeSection(pathname: string): string | null {
  if (pathname === "/app" || pathname.startsWith("/app/monitors")) return "/app";
  if (pathname === "/app/api-tokens" || pathname === "/app/two-factor") return "/app/account";
  // Every dashboard path starts with "/app": the other sections are looked at alone.
  return NAV_ITEMS.find(({ href }) =>
    href !== "/app" && (pathname === href || pathname.startsWith(`${href}/`))
  )?.href ?? null;
}
