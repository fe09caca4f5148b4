/**
 * `/status/<slug>/subscription?token=…` (`/subscription` on the page's domain): where the
 * links in a subscriber's mails lead. A GET changes nothing (mail scanners follow links):
 * it shows the subscription with a button to confirm it or to unsubscribe, and, once
 * confirmed, which of the page's monitors it is about. A POST does it; a POST with `List-Unsubscribe=One-Click` (RFC 8058, sent by mail clients, url-encoded
 * or multipart) ends it. The token alone says which subscription: a page renamed since
 * the mail was sent still lets its subscribers leave.
 */
import { type Context, page } from "../../../fresh/mod.ts";
import { define, type State } from "../../../web/define.ts";
import { fieldErrors, readForm } from "../../../web/forms.ts";
import {
  chooseMonitors,
  confirmSubscription,
  type Subscription,
  subscriptionByToken,
  unsubscribe,
} from "../../../services/subscribers/subscription.ts";
import { followedWords, type PageMonitor } from "../../../services/subscribers/monitors.ts";
import { statusHeading } from "../../../services/status_pages/public.ts";
import { pageLocation } from "../(_components)/load_page.ts";
import {
  BUTTON_CLASS,
  MonitorChoice,
  monitorChoiceOf,
  SubscriptionPage,
} from "../(_components)/SubscriptionPage.tsx";

export const config = { skipAppWrapper: true, skipInheritedLayouts: true };

type Shown = "confirm" | "subscribed" | "confirmed" | "saved" | "unsubscribed" | "invalid";

interface Data {
  shown: Shown;
  /** Null for a link that finds no subscription: no page to name. */
  pageTitle: string | null;
  pageHref: string;
  action: string;
  email: string;
  monitors: PageMonitor[];
  /** Null: all. */
  chosen: string[] | null;
  /** What was wrong with the monitors sent. */
  error: string | null;
}

const NO_STORE = { "cache-control": "no-store" };

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const token = tokenOf(ctx);
    const subscription = await subscriptionByToken(ctx.state.services, token);
    const shown = !subscription ? "invalid" : subscription.confirmed ? "subscribed" : "confirm";
    return answer(ctx, token, subscription, shown);
  },
  async POST(ctx) {
    const { services } = ctx.state;
    const token = tokenOf(ctx);
    const form = await readForm(ctx.req, { multipart: true });
    if (form.get("List-Unsubscribe") === "One-Click") {
      await unsubscribe(services, token);
      return new Response("Unsubscribed", { headers: NO_STORE });
    }
    let subscription = await subscriptionByToken(services, token);
    let shown: Shown = "invalid";
    if (subscription && form.get("intent") === "confirm") {
      shown = (await confirmSubscription(services, token)) ? "confirmed" : "invalid";
    } else if (subscription && form.get("intent") === "unsubscribe") {
      shown = (await unsubscribe(services, token)) ? "unsubscribed" : "invalid";
    } else if (subscription?.confirmed && form.get("intent") === "monitors") {
      const choice = monitorChoiceOf(form);
      try {
        subscription = await chooseMonitors(services, token, choice);
        shown = subscription ? "saved" : "invalid";
      } catch (error) {
        const errors = fieldErrors(error);
        if (!errors?.monitors) throw error;
        return answer(ctx, token, subscription, "subscribed", errors.monitors, 400);
      }
    } else if (subscription) {
      shown = subscription.confirmed ? "subscribed" : "confirm";
    }
    return answer(ctx, token, subscription, shown);
  },
});

const tokenOf = (ctx: Context<State>) => (ctx.url.searchParams.get("token") ?? "").slice(0, 100);

function answer(
  ctx: Context<State>,
  token: string,
  subscription: Subscription | null,
  shown: Shown,
  error: string | null = null,
  status = shown === "invalid" ? 404 : 200,
) {
  // Links lead where the page is now; on its own domain, that domain's root.
  const { base } = pageLocation(
    ctx.state.services,
    ctx.req,
    subscription?.page.slug ?? ctx.params.slug,
  );
  const data: Data = {
    shown,
    pageTitle: subscription?.page.title ?? null,
    pageHref: base || "/",
    action: `${base}/subscription?token=${encodeURIComponent(token)}`,
    email: subscription?.email ?? "",
    monitors: subscription?.monitors ?? [],
    chosen: subscription?.chosen ?? null,
    error,
  };
  return page(data, { status, headers: NO_STORE });
}

export default define.page<typeof handler>(({ data }) => {
  const { shown, pageTitle, pageHref, action, email, monitors, chosen } = data;
  const heading = statusHeading(pageTitle ?? "");
  // Null: none of the monitors it chose is on the page any more.
  const about = followedWords(chosen, monitors, heading);
  const frame = { pageTitle, pageHref };
  const gone = (
    <p>
      None of the monitors <strong>{email}</strong> chose is on {heading}{" "}
      any more, so nothing is sent to it.
    </p>
  );
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
          {about
            ? (
              <p>
                Get an email at <strong>{email}</strong> when {about}{" "}
                goes down, comes back up, or its incident has an update, and about planned
                maintenance?
              </p>
            )
            : gone}
          {button("confirm", "Confirm subscription")}
        </SubscriptionPage>
      );
    case "confirmed":
    case "subscribed":
    case "saved":
      return (
        <SubscriptionPage
          {...frame}
          heading={shown === "confirmed"
            ? "You are subscribed"
            : shown === "saved"
            ? "Your choice is saved"
            : "Your subscription"}
        >
          {about
            ? (
              <p>
                <strong>{email}</strong> gets an email when {about}{" "}
                goes down, comes back up, or its incident has an update, and about planned
                maintenance.
              </p>
            )
            : gone}
          {/* One monitor is no choice, unless the one chosen has left the page. */}
          {monitors.length > 0 && (monitors.length > 1 || !about) && (
            <section aria-labelledby="monitors-heading">
              <h2 id="monitors-heading" class="font-semibold text-slate-900 dark:text-slate-100">
                Monitors to get emails about
              </h2>
              {data.error && (
                <p id="monitors-error" role="alert" class="mt-1 text-rose-700 dark:text-rose-400">
                  {data.error}
                </p>
              )}
              <form method="post" action={action}>
                <input type="hidden" name="intent" value="monitors" />
                <MonitorChoice
                  monitors={monitors}
                  chosen={data.error ? [] : chosen}
                  errorId={data.error ? "monitors-error" : undefined}
                />
                <button type="submit" class={`${BUTTON_CLASS} mt-3`}>Save monitors</button>
              </form>
            </section>
          )}
          <section aria-labelledby="leave-heading">
            <h2 id="leave-heading" class="font-semibold text-slate-900 dark:text-slate-100">
              No more emails
            </h2>
            <p class="mt-1">Unsubscribing ends every email from {heading}.</p>
            <div class="mt-3">{button("unsubscribe", "Unsubscribe")}</div>
          </section>
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
            The subscription it was for has ended (unsubscribed, removed by the page's owner, or the
            page was deleted), or the link was copied incompletely.
          </p>
        </SubscriptionPage>
      );
  }
});
