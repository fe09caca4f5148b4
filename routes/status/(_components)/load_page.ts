/**
 * What every public status-page route does first: the slug checked, the page from the
 * shared cache, and where its links start (`/status/<slug>` on the app's host, the root
 * on the page's own domain, which web/host_routing.ts maps here).
 */
import { RenderedPages } from "../../../fresh/mod.ts";
import { isAppHost } from "../../../lib/app_hosts.ts";
import type { Services } from "../../../services/context.ts";
import { DomainError } from "../../../services/errors.ts";
import { publicStatusPageInput } from "../../../services/status_pages/input.ts";
import { type CachedPublicPage, publicStatusPage } from "../../../services/status_pages/public.ts";
import { mayView } from "../../../services/status_pages/access.ts";

export interface LoadedPage extends CachedPublicPage {
  /** The cache's entry itself: the same object for as long as these figures are reused. */
  cached: CachedPublicPage;
  base: string;
  /** The page's own address as the visitor sees it. */
  pageUrl: string;
  /** Private, and this browser has not given its password (only with `orLocked`). */
  locked: boolean;
}

/**
 * The page's HTML, rendered once per cached figures (the cache's entry is a new object
 * each period) and address it is served at; every response still gets a nonce of its own.
 */
export const renderedPages = new RenderedPages<CachedPublicPage>();

/**
 * Null when there is no page with this slug, or when it is private and this browser has
 * not given its password: then only the page itself (`orLocked`) answers, with its form.
 */
export async function loadPublicPage(
  services: Services,
  req: Request,
  slugParam: string,
  options: { orLocked?: boolean } = {},
): Promise<LoadedPage | null> {
  const parsed = publicStatusPageInput.safeParse({ slug: slugParam });
  if (!parsed.success) return null;
  let cached: CachedPublicPage;
  try {
    cached = await publicStatusPage(services, parsed.data.slug);
  } catch (error) {
    if (error instanceof DomainError && error.code === "NOT_FOUND") return null;
    throw error;
  }
  const locked = !mayView(req.headers.get("cookie"), cached.access);
  if (locked && !options.orLocked) return null;
  return { ...cached, cached, locked, ...pageLocation(services, req, cached.page.slug) };
}

/** Where a page's links start for this request, and the page's own address. */
export function pageLocation(
  services: Services,
  req: Request,
  slug: string,
): { base: string; pageUrl: string } {
  const url = new URL(req.url);
  const host = req.headers.get("host") ?? url.host;
  const onOwnDomain = !isAppHost(services.config, host);
  const base = onOwnDomain ? "" : `/status/${slug}`;
  const origin = onOwnDomain ? `${forwardedProto(req, url)}//${host}` : services.config.appUrl;
  return { base, pageUrl: `${origin.replace(/\/+$/, "")}${base || "/"}` };
}

function forwardedProto(req: Request, url: URL): string {
  const proto = req.headers.get("x-forwarded-proto");
  return proto === "https" || proto === "http" ? `${proto}:` : url.protocol;
}

/** Whether the visitor's copy (If-None-Match) is still this one. */
export function notModified(req: Request, etag: string): boolean {
  const header = req.headers.get("if-none-match");
  if (!header) return false;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

/**
 * Shared caches (a CDN) may keep a page as long as the server does; browsers revalidate
 * with the ETag. Stale copies may be served briefly while a fresh one is fetched. A
 * private page is kept by nobody.
 */
export function cacheHeaders(services: Services, loaded: CachedPublicPage): Record<string, string> {
  const etag = loaded.etag;
  if (loaded.page.private) return { etag, "cache-control": "private, no-store", vary: "Cookie" };
  const seconds = Math.max(1, Math.floor(services.config.statusPageCacheMs / 1000));
  return {
    etag,
    "cache-control": `public, max-age=0, s-maxage=${seconds}, stale-while-revalidate=${
      seconds * 6
    }`,
    vary: "Host",
  };
}
