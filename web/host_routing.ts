/**
 * Routing by the Host header. The app's own hosts (see `lib/app_hosts.ts`) get the whole
 * app. A verified custom domain gets its status page: `/` is the page, `/badge.svg`,
 * `/feed.atom` and `/logo` are its badge, feed and logo, and the assets and live socket the page uses
 * (`/_fresh/…`, `/api/ws`) work as on the app's host. Anything else, and any host that is
 * not a verified custom domain, is a plain 404, never the app. `/subscribe` and
 * `/subscription` are the page's email subscription.
 */
import { hostnameOf, isAppHost } from "../lib/app_hosts.ts";
import { log } from "../lib/logger.ts";
import type { Services } from "../services/context.ts";
import { statusPageSlugForHost } from "../services/status_domains/route_host.ts";

type Handler = (req: Request, info: Deno.ServeHandlerInfo) => Promise<Response>;

/** Paths of a custom domain, and where they live on the app's host. */
const PAGE_PATHS: Partial<Record<string, (slug: string) => string>> = {
  "/": (slug) => `/status/${slug}`,
  "/badge.svg": (slug) => `/status/${slug}/badge.svg`,
  "/feed.atom": (slug) => `/status/${slug}/feed.atom`,
  "/logo": (slug) => `/status/${slug}/logo`,
  "/subscribe": (slug) => `/status/${slug}/subscribe`,
  "/subscription": (slug) => `/status/${slug}/subscription`,
};

/** Served as they are on every host: what the page loads, and the operators' probes. */
const SHARED_PREFIXES = ["/_fresh/", "/api/ws", "/healthz", "/readyz", "/metrics", "/favicon.ico"];

export function routeByHost(services: Services, app: Handler): Handler {
  return async (req, info) => {
    const host = req.headers.get("host") ?? new URL(req.url).host;
    if (isAppHost(services.config, host)) return app(req, info);
    const url = new URL(req.url);
    if (SHARED_PREFIXES.some((p) => url.pathname === p || url.pathname.startsWith(p))) {
      return app(req, info);
    }
    const toPage = PAGE_PATHS[url.pathname.replace(/(.)\/+$/, "$1")];
    let slug: string | null = null;
    if (toPage) {
      try {
        slug = await statusPageSlugForHost(services, hostnameOf(host));
      } catch (error) {
        log.error("web.host_lookup_failed", { error });
        return plain(503, "This status page is unavailable right now. Try again shortly.");
      }
    }
    if (!slug || !toPage) return plain(404, "There is no status page at this address.");
    url.pathname = toPage(slug);
    return app(new Request(url, req), info);
  };
}

function plain(status: number, message: string): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${status === 404 ? "Not found" : "Unavailable"}</title></head>` +
    `<body><h1>${status === 404 ? "Not found" : "Unavailable"}</h1><p>${message}</p></body></html>`;
  return new Response(html, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'",
      "cache-control": "no-store",
    },
  });
}
