/**
 * `/status/<slug>/logo` (`/logo` on the page's domain): the page's logo. The page links to
 * it with its version (`?v=`); the image answered under the version it is (read with it,
 * not taken from the page) may be kept for good. Anything else is checked again with the
 * ETag.
 */
import { define } from "../../../web/define.ts";
import { publicLogo } from "../../../services/status_pages/logo.ts";
import { loadPublicPage, notModified } from "../(_components)/load_page.ts";

const NO_STORE = { "cache-control": "no-store" };

export const handler = define.handlers({
  async GET(ctx) {
    // A private page's logo too is only for those who gave its password.
    const viewable = await loadPublicPage(ctx.state.services, ctx.req, ctx.params.slug);
    const logo = viewable ? await publicLogo(ctx.state.services, viewable.page.slug) : null;
    if (!logo || !viewable) {
      // Not kept: the same address has a logo for a browser that gave the page's password.
      return ctx.text("This status page has no logo", { status: 404, headers: NO_STORE });
    }
    const etag = `"${logo.etag}"`;
    const headers: Record<string, string> = {
      etag,
      "cache-control": viewable.page.private
        ? "private, no-store"
        : ctx.url.searchParams.get("v") === logo.etag
        ? "public, max-age=31536000, immutable"
        : "public, max-age=0, must-revalidate",
      "content-security-policy": "default-src 'none'",
      "x-content-type-options": "nosniff",
    };
    if (notModified(ctx.req, etag)) return new Response(null, { status: 304, headers });
    return new Response(logo.image, { headers: { ...headers, "content-type": logo.contentType } });
  },
});
