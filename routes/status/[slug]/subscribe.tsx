/**
 * `POST /status/<slug>/subscribe` (`/subscribe` on the page's domain): the status page's
 * "Get updates by email" form. The answer is a page of its own: check your inbox, or what
 * was wrong with the address, with the form again.
 */
import { page } from "../../../fresh/mod.ts";
import { define } from "../../../web/define.ts";
import { fieldErrors, readForm, seeOther } from "../../../web/forms.ts";
import { clientIp } from "../../../web/client_ip.ts";
import { DomainError } from "../../../services/errors.ts";
import {
  RESEND_AFTER_MINUTES,
  subscribablePage,
  subscribe,
} from "../../../services/subscribers/subscribe.ts";
import { takesSubscriptions } from "../../../services/status_pages/pages.ts";
import { allTicked, type PageMonitor } from "../../../services/subscribers/monitors.ts";
import { publicStatusPageInput } from "../../../services/status_pages/input.ts";
import { StatusPageNotFound } from "../(_components)/StatusPageView.tsx";
import { pageLocation } from "../(_components)/load_page.ts";
import {
  monitorChoiceOf,
  SubscribeForm,
  SubscriptionPage,
} from "../(_components)/SubscriptionPage.tsx";

export const config = { skipAppWrapper: true, skipInheritedLayouts: true };

type Data =
  | {
    pageTitle: string;
    pageHref: string;
    action: string;
    email: string;
    monitors: PageMonitor[];
    /** The ticks as sent; null: all. */
    chosen: string[] | null;
    error: string | null;
    errorField: "email" | "monitors";
    /** Whether asking again can succeed: not on a page that sends no email. */
    retry: boolean;
  }
  | null;

const NO_STORE = { "cache-control": "no-store" };

export const handler = define.handlers<Data>({
  GET(ctx) {
    // Someone reloading the answer: the form is on the page.
    const { base } = pageLocation(ctx.state.services, ctx.req, ctx.params.slug);
    return seeOther(`${base || "/"}#subscribe-heading`);
  },
  async POST(ctx) {
    const { services } = ctx.state;
    const slug = publicStatusPageInput.safeParse({ slug: ctx.params.slug });
    const found = slug.success
      ? await subscribablePage(services, slug.data.slug, ctx.req.headers.get("cookie"))
      : null;
    if (!found) return page(null, { status: 404, headers: NO_STORE });
    const { base } = pageLocation(services, ctx.req, found.slug);
    const form = await readForm(ctx.req);
    const typed = (form.get("email") ?? "").slice(0, 320);
    const choice = monitorChoiceOf(form);
    const shown = {
      pageTitle: found.title,
      pageHref: base || "/",
      action: `${base}/subscribe`,
      monitors: found.monitors,
      chosen: choice.choosing && !allTicked(choice) ? choice.monitors : null,
    };
    const retry = takesSubscriptions(services, found);
    try {
      const ip = clientIp(ctx.req, ctx.info, services.config.trustedProxies);
      const { email } = await subscribe(
        services,
        found,
        { email: form.get("email"), ...choice },
        ip,
      );
      return page({ ...shown, email, error: null, errorField: "email", retry }, {
        headers: NO_STORE,
      });
    } catch (error) {
      const errors = fieldErrors(error);
      if (!errors) throw error;
      const tooMany = error instanceof DomainError && error.code === "TOO_MANY_REQUESTS";
      const errorField = errors.email || !errors.monitors ? "email" : "monitors";
      return page({
        ...shown,
        email: typed,
        error: errors.email ?? errors.monitors ?? errors.form,
        errorField,
        retry,
      }, { status: tooMany ? 429 : 400, headers: NO_STORE });
    }
  },
});

export default define.page<typeof handler>(({ data }) => {
  if (!data) return <StatusPageNotFound />;
  if (!data.error) {
    return (
      <SubscriptionPage
        pageTitle={data.pageTitle}
        pageHref={data.pageHref}
        heading="Check your inbox"
      >
        <p>
          If <strong>{data.email}</strong>{" "}
          is not subscribed yet, it gets a link to confirm the subscription. Nothing else is sent to
          it until the subscription is confirmed.
        </p>
        <p>
          The link is sent again at most every {RESEND_AFTER_MINUTES}{" "}
          minutes: if it has not come, look in your spam folder before asking again.
        </p>
        <p>
          Already subscribed? The link in any of our emails lets you change which monitors you get
          emails about.
        </p>
      </SubscriptionPage>
    );
  }
  return (
    <SubscriptionPage
      pageTitle={data.pageTitle}
      pageHref={data.pageHref}
      heading="Could not subscribe"
      tone="error"
    >
      <p id="subscribe-error" role="alert">{data.error}</p>
      {data.retry && (
        <SubscribeForm
          action={data.action}
          monitors={data.monitors}
          value={data.email}
          chosen={data.chosen}
          errorId="subscribe-error"
          errorField={data.errorField}
        />
      )}
    </SubscriptionPage>
  );
});
