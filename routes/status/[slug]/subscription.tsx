/**
 * `/status/<slug>/subscription?token=…` (`/subscription` on the page's domain): where the
 * links in a subscriber's mails lead. A GET changes nothing (mail scanners follow links):
 * it shows the subscription with a button to confirm it or to unsubscribe. A POST does
 * it; a POST with `List-Unsubscribe=One-Click` (RFC 8058, sent by mail clients) ends it.
 */
import { type Context, page } from "../../../fresh/mod.ts";
import { define, type State } from "../../../web/define.ts";
import { readForm } from "../../../web/forms.ts";
import {
  confirmSubscription,
  subscriptionByToken,
  unsubscribe,
} from "../../../services/subscribers/subscription.ts";
import { publicStatusPageInput } from "../../../services/status_pages/input.ts";
import { subscribablePage } from "../../../services/subscribers/subscribe.ts";
import { statusHeading } from "../../../services/status_pages/public.ts";
import { StatusPageNotFound } from "../(_components)/StatusPageView.tsx";
import { pageLocation } from "../(_components)/load_page.ts";
import { BUTTON_CLASS, SubscriptionPage } from "../(_components)/SubscriptionPage.tsx";

export const config = { skipAppWrapper: true, skipInheritedLayouts: true };

type Shown = "confirm" | "subscribed" | "confirmed" | "unsubscribed" | "invalid";

type Data = {
  shown: Shown;
  pageTitle: string;
  pageHref: string;
  action: string;
  email: string;
} | null;

const NO_STORE = { "cache-control": "no-store" };

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const found = await findPage(ctx);
    if (!found) return page(null, { status: 404, headers: NO_STORE });
    const subscription = await subscriptionByToken(ctx.state.services, found.slug, found.token);
    const shown: Shown = !subscription
      ? "invalid"
      : subscription.confirmed
      ? "subscribed"
      : "confirm";
    return page({ ...found.shown, shown, email: subscription?.email ?? "" }, {
      status: shown === "invalid" ? 404 : 200,
      headers: NO_STORE,
    });
  },
  async POST(ctx) {
    const found = await findPage(ctx);
    if (!found) return page(null, { status: 404, headers: NO_STORE });
    const { services } = ctx.state;
    const form = await readForm(ctx.req);
    if (form.get("List-Unsubscribe") === "One-Click") {
      await unsubscribe(services, found.slug, found.token);
      return new Response("Unsubscribed", { headers: NO_STORE });
    }
    const subscription = await subscriptionByToken(services, found.slug, found.token);
    let shown: Shown = "invalid";
    if (subscription && form.get("intent") === "confirm") {
      shown = (await confirmSubscription(services, found.slug, found.token))
        ? "confirmed"
        : "invalid";
    } else if (subscription && form.get("intent") === "unsubscribe") {
      shown = (await unsubscribe(services, found.slug, found.token)) ? "unsubscribed" : "invalid";
    } else if (subscription) {
      shown = subscription.confirmed ? "subscribed" : "confirm";
    }
    return page({ ...found.shown, shown, email: subscription?.email ?? "" }, {
      status: shown === "invalid" ? 404 : 200,
      headers: NO_STORE,
    });
  },
});

async function findPage(ctx: Context<State>) {
  const slug = publicStatusPageInput.safeParse({ slug: ctx.params.slug });
  const found = slug.success ? await subscribablePage(ctx.state.services, slug.data.slug) : null;
  if (!found) return null;
  const { base } = pageLocation(ctx.state.services, ctx.req, found.slug);
  const token = (ctx.url.searchParams.get("token") ?? "").slice(0, 100);
  return {
    slug: found.slug,
    token,
    shown: {
      pageTitle: found.title,
      pageHref: base || "/",
      action: `${base}/subscription?token=${encodeURIComponent(token)}`,
    },
  };
}

export default define.page<typeof handler>(({ data }) => {
  if (!data) return <StatusPageNotFound />;
  const { shown, pageTitle, pageHref, action, email } = data;
  const heading = statusHeading(pageTitle);
  const frame = { pageTitle, pageHref };
  const button = (intent: string, label: string) => (
    <form method="post" action={action}>
      <input type="hidden" name="intent" value={intent} />
      <button type="submit" class={BUTTON_CLASS}>{label}</button>
    </form>
  );
  switch (shown) {
    case "confirm":
      return (
        <SubscriptionPage {...frame} heading="Confirm your subscription">
          <p>
            Get an email at <strong>{email}</strong> when a monitor on {heading}{" "}
            goes down, comes back up, or its incident has an update, and about planned maintenance?
          </p>
          {button("confirm", "Confirm subscription")}
        </SubscriptionPage>
      );
    case "confirmed":
    case "subscribed":
      return (
        <SubscriptionPage
          {...frame}
          heading={shown === "confirmed" ? "You are subscribed" : "Your subscription"}
        >
          <p>
            <strong>{email}</strong> gets an email when a monitor on {heading}{" "}
            goes down, comes back up, or its incident has an update, and about planned maintenance.
          </p>
          {button("unsubscribe", "Unsubscribe")}
        </SubscriptionPage>
      );
    case "unsubscribed":
      return (
        <SubscriptionPage {...frame} heading="You are unsubscribed">
          <p>
            <strong>{email}</strong> gets no more email from{" "}
            {heading}, and we no longer keep the address.
          </p>
        </SubscriptionPage>
      );
    default:
      return (
        <SubscriptionPage {...frame} heading="This link does not work any more" tone="error">
          <p>
            The subscription it was for has ended (unsubscribed, or removed by the page's owner), or
            the link was copied incompletely. You can subscribe again on the status page.
          </p>
        </SubscriptionPage>
      );
  }
});
