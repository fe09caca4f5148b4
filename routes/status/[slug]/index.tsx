/**
 * `/status/<slug>` (and `/` on the page's verified domain): the public status page. A
 * private page shows its password form instead until the browser has given it (POST).
 */
import { page } from "../../../fresh/mod.ts";
import { define } from "../../../web/define.ts";
import { readForm, seeOther } from "../../../web/forms.ts";
import { clientIp } from "../../../web/client_ip.ts";
import { isSecureRequest } from "../../../web/trpc/cookies.ts";
import { DomainError } from "../../../services/errors.ts";
import { unlockPage } from "../../../services/status_pages/access.ts";
import {
  StatusPageNotFound,
  StatusPageView,
  type StatusPageViewProps,
} from "../(_components)/StatusPageView.tsx";
import { PrivatePage, type PrivatePageProps } from "../(_components)/PrivatePage.tsx";
import {
  cacheHeaders,
  loadPublicPage,
  notModified,
  renderedPages,
} from "../(_components)/load_page.ts";

// A whole document of its own: the dashboard's _app and layouts do not apply.
export const config = { skipAppWrapper: true, skipInheritedLayouts: true };

type Data = { view: StatusPageViewProps } | { locked: PrivatePageProps } | null;

const NOT_STORED = { "cache-control": "no-store" };

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const { services } = ctx.state;
    const loaded = await loadPublicPage(services, ctx.req, ctx.params.slug, { orLocked: true });
    if (!loaded) return page(null, { status: 404, headers: NOT_STORED });
    if (loaded.locked) {
      const locked = { title: loaded.page.title, action: loaded.base || "/", error: null };
      return page({ locked }, { status: 403, headers: NOT_STORED });
    }
    const headers = cacheHeaders(services, loaded);
    if (notModified(ctx.req, loaded.etag)) return new Response(null, { status: 304, headers });
    const view = {
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
      () => ctx.render(<StatusPageView {...view} />, { headers }),
    );
  },
  /** The password form of a private page. */
  async POST(ctx) {
    const { services } = ctx.state;
    const loaded = await loadPublicPage(services, ctx.req, ctx.params.slug, { orLocked: true });
    if (!loaded) return page(null, { status: 404, headers: NOT_STORED });
    const action = loaded.base || "/";
    const password = (await readForm(ctx.req)).get("password") ?? "";
    try {
      const cookie = await unlockPage(services, loaded.page.slug, password, {
        ip: clientIp(ctx.req, ctx.info, services.config.trustedProxies),
        secure: isSecureRequest(ctx.req),
      });
      return seeOther(action, { "set-cookie": cookie });
    } catch (error) {
      if (!(error instanceof DomainError) || error.code === "NOT_FOUND") throw error;
      const retry = error.details?.retryAfterSeconds;
      return page({ locked: { title: loaded.page.title, action, error: error.message } }, {
        status: error.code === "TOO_MANY_REQUESTS" ? 429 : error.code === "SERVICE_UNAVAILABLE" // the password checks are all busy
          ? 503
          : 400,
        headers: { ...NOT_STORED, ...(retry ? { "retry-after": String(retry) } : {}) },
      });
    }
  },
});

export default define.page<typeof handler>(({ data }) =>
  !data
    ? <StatusPageNotFound />
    : "locked" in data
    ? <PrivatePage {...data.locked} />
    : <StatusPageView {...data.view} />
);
