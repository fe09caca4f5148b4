/**
 * `/status/<slug>/badge.svg` (`/badge.svg` on the page's domain): the page's status as
 * an SVG badge; `?monitor=<id>` for one monitor's status and 90-day uptime.
 */
import { define } from "../../../web/define.ts";
import { pageBadge } from "../../../services/status_pages/badge.ts";
import { cacheHeaders, loadPublicPage, notModified } from "../(_components)/load_page.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const { services } = ctx.state;
    const loaded = await loadPublicPage(services, ctx.req, ctx.params.slug);
    const svg = loaded && pageBadge(loaded.page, ctx.url.searchParams.get("monitor"));
    if (!loaded || !svg) {
      // Not kept: a private page's badge is there for a browser that gave its password.
      return ctx.text("No such status page or monitor", {
        status: 404,
        headers: { "cache-control": "no-store" },
      });
    }
    const headers = {
      ...cacheHeaders(services, loaded),
      "content-type": "image/svg+xml; charset=utf-8",
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
      "x-content-type-options": "nosniff",
    };
    if (notModified(ctx.req, loaded.etag)) return new Response(null, { status: 304, headers });
    return new Response(svg, { headers });
  },
});
