/**
 * Whether a browser request comes from the app's own pages: the one check behind
 * refusing cross-origin API writes and WebSocket upgrades. A request without Origin is
 * not from a browser page and cannot carry a victim's cookie, so it passes.
 */
export function isSameOrigin(req: Request, appUrl: string): boolean {
  if (req.headers.get("sec-fetch-site") === "cross-site") return false;
  const origin = req.headers.get("origin");
  if (origin === null) return true;
  const url = new URL(req.url);
  const own = new Set([url.origin, new URL(appUrl).origin]);
  const forwardedProto = req.headers.get("x-forwarded-proto");
  if (forwardedProto) own.add(`${forwardedProto}://${url.host}`);
  return own.has(origin);
}
