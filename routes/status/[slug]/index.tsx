/** `/status/<slug>` (and `/` on the page's verified domain): the public status page. */
import { page } from "../../../fresh/mod.ts";
import { define } from "../../../web/define.ts";
import {
  StatusPageNotFound,
  StatusPageView,
  type StatusPageViewProps,
} from "../(_components)/StatusPageView.tsx";
import {
  cacheHeaders,
  loadPublicPage,
  notModified,
  renderedPages,
} from "../(_components)/load_page.ts";

// A whole document of its own: the dashboard's _app and layouts do not apply.
export const config = { skipAppWrapper: true, skipInheritedLayouts: true };

type Data = StatusPageViewProps | null;

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const { services } = ctx.state;
    const loaded = await loadPublicPage(services, ctx.req, ctx.params.slug);
    if (!loaded) return page(null, { status: 404, headers: { "cache-control": "no-store" } });
    const headers = cacheHeaders(services, loaded.etag);
    if (notModified(ctx.req, loaded.etag)) return new Response(null, { status: 304, headers });
    const props = {
      page: loaded.page,
      base: loaded.base,
      pageUrl: loaded.pageUrl,
      // A machine's cache may give the old figures for two periods (one of them stale).
      reloadAfterMs: 2 * services.config.statusPageCacheMs,
    };
    return renderedPages.respond(
      ctx,
      loaded.cached,
      `${loaded.base} ${loaded.pageUrl}`,
      () => ctx.render(<StatusPageView {...props} />, { headers }),
    );
  },
});

export default define.page<typeof handler>(({ data }) =>
  data ? <StatusPageView {...data} /> : <StatusPageNotFound />
);
