/**
 * `/status/<slug>/logo` (`/logo` on the page's domain): the page's logo. The page links to
 * it with its version (`?v=`), so that address can be kept for good; without it, a copy
 * is checked again with the ETag.
 */
import { define } from "../../../web/define.ts";
import { publicLogo } from "../../../services/status_pages/logo.ts";
import { loadPublicPage, notModified } from "../(_components)/load_page.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const { services } = ctx.state;
    const loaded = await loadPublicPage(services, ctx.req, ctx.params.slug);
    const version = loaded?.page.logo;
    if (!loaded || !version) return ctx.text("This status page has no logo", { status: 404 });
    const etag = `"${version}"`;
    const headers: Record<string, string> = {
      etag,
      "cache-control": ctx.url.searchParams.get("v") === version
        ? "public, max-age=31536000, immutable"
        : "public, max-age=0, must-revalidate",
      "content-security-policy": "default-src 'none'",
      "x-content-type-options": "nosniff",
    };
    if (notModified(ctx.req, etag)) return new Response(null, { status: 304, headers });
    const logo = await publicLogo(services, loaded.page.slug);
    if (!logo) return ctx.text("This status page has no logo", { status: 404 });
    return new Response(logo.image, {
      headers: { ...headers, "content-type": logo.contentType },
    });
  },
});
