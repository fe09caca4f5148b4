/**
 * The small pages of a status page's email subscription: what the subscribe form, the
 * confirmation link and the unsubscribe link lead to. Whole documents in the status
 * page's own look; each says what happened and leads back to the page.
 */
import type { ComponentChildren } from "preact";
import { sectionGroups, statusHeading } from "../../../services/status_pages/public.ts";
import { statusFavicon } from "../../../lib/status_page_style.ts";
import type { PageMonitor } from "../../../services/subscribers/monitors.ts";

export interface SubscriptionPageProps {
  /** Null when no page is known (a link that finds nothing): no page named, no way back. */
  pageTitle: string | null;
  /** Where the status page is: `/status/<slug>`, or `/` on its own domain. */
  pageHref: string;
  heading: string;
  tone?: "ok" | "error";
  /** Whether to link back to the status page (not from the page's own password form). */
  back?: boolean;
  children: ComponentChildren;
}

export function SubscriptionPage(props: SubscriptionPageProps) {
  const page = props.pageTitle === null ? null : statusHeading(props.pageTitle);
  const title = page ? `${props.heading} · ${page}` : props.heading;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <meta name="color-scheme" content="light dark" />
        <title>{title}</title>
        <link rel="icon" href={statusFavicon("nodata")} type="image/svg+xml" />
      </head>
      <body class="min-h-screen bg-slate-50 text-slate-900 antialiased dark:bg-slate-900 dark:text-slate-100">
        <main class="mx-auto max-w-lg px-4 py-12 sm:px-6 sm:py-20">
          <p class="text-sm font-medium text-slate-600 dark:text-slate-400">
            <span class="break-words">{page ?? "Status"}</span>
          </p>
          <h1
            class={`mt-1 text-2xl font-bold tracking-tight ${
              props.tone === "error" ? "text-rose-700 dark:text-rose-400" : ""
            }`}
          >
            {props.heading}
          </h1>
          <div class="mt-4 space-y-4 break-words text-slate-700 dark:text-slate-300">
            {props.children}
          </div>
          {page && props.back !== false && (
            <p class="mt-8 text-sm">
              <a
                href={props.pageHref}
                class="underline hover:text-slate-900 dark:hover:text-white"
              >
                ← Back to the status page
              </a>
            </p>
          )}
        </main>
      </body>
    </html>
  );
}

/**
 * The address field and "Subscribe": on the status page, and again under what was wrong
 * (`errorId` names the message) with the address and ticks as sent. A page of several
 * monitors lets the visitor choose some of them, folded away: all by default.
 */
export function SubscribeForm(props: {
  action: string;
  monitors: PageMonitor[];
  value?: string;
  /** Null: all. */
  chosen?: string[] | null;
  errorId?: string;
  /** Which field `errorId` is about. */
  errorField?: "email" | "monitors";
}) {
  const emailError = props.errorField !== "monitors" ? props.errorId : undefined;
  const chosen = props.chosen ?? null;
  const choosing = props.monitors.length > 1;
  const button = <button type="submit" class={BUTTON_CLASS}>Subscribe</button>;
  return (
    <form method="post" action={props.action} class="mt-4 space-y-3">
      <div class="flex flex-wrap items-end gap-3">
        <div class="min-w-0 flex-1 basis-56">
          <label for="subscribe-email" class="block text-sm font-medium">Email address</label>
          <input
            id="subscribe-email"
            name="email"
            type="email"
            required
            maxLength={320}
            autoComplete="email"
            placeholder="you@example.com"
            value={props.value}
            aria-invalid={emailError ? "true" : undefined}
            aria-describedby={emailError}
            class={`mt-1 w-full rounded-md border bg-white px-3 py-2 text-slate-900 focus:border-sky-500 focus:outline-none focus:ring-2 focus:ring-sky-500/40 dark:bg-slate-900 dark:text-slate-100 ${
              emailError ? "border-rose-400" : "border-slate-300 dark:border-slate-600"
            }`}
          />
        </div>
        {!choosing && button}
      </div>
      {/* Before the button, so that keyboards and screen readers meet the choice first. */}
      {choosing && (
        <details
          open={chosen !== null || props.errorField === "monitors"}
          class="text-sm"
        >
          <summary class="cursor-pointer font-medium">Choose monitors (all by default)</summary>
          <MonitorChoice
            monitors={props.monitors}
            chosen={chosen}
            errorId={props.errorField === "monitors" ? props.errorId : undefined}
          />
        </details>
      )}
      {choosing && button}
    </form>
  );
}

/**
 * A checkbox per monitor of the page, all ticked for "all of them". It posts `choosing`
 * (a form without it means all) and the monitors it `offered`, so that all of them ticked
 * still means all when the page has gained one since it was drawn.
 */
export function MonitorChoice(
  props: { monitors: PageMonitor[]; chosen: string[] | null; errorId?: string },
) {
  return (
    <fieldset class="mt-2 text-sm" aria-describedby={props.errorId}>
      <legend class="sr-only">Monitors to get emails about</legend>
      <input type="hidden" name="choosing" value="1" />
      {props.monitors.map((monitor) => (
        <input key={monitor.id} type="hidden" name="offered" value={monitor.id} />
      ))}
      {/* Under the page's sections, where two monitors of one name are told apart. */}
      {sectionGroups(props.monitors).map(({ heading, monitors }, index) => {
        const list = (
          <ul class="space-y-1.5">
            {monitors.map((monitor) => (
              <li key={monitor.id}>
                <label class="flex items-start gap-2">
                  <input
                    type="checkbox"
                    name="monitors"
                    value={monitor.id}
                    checked={props.chosen === null || props.chosen.includes(monitor.id)}
                    class="mt-0.5 h-4 w-4 shrink-0 accent-slate-900 dark:accent-white"
                  />
                  <span class="min-w-0 break-words">{monitor.name}</span>
                </label>
              </li>
            ))}
          </ul>
        );
        return heading
          ? (
            <fieldset key={index} class="mt-2 first:mt-0">
              <legend class="break-words font-medium">{heading}</legend>
              <div class="mt-1.5">{list}</div>
            </fieldset>
          )
          : <div key={index}>{list}</div>;
      })}
      <p class="mt-2 text-slate-600 dark:text-slate-400">
        With every monitor ticked, you also get emails about monitors added to the page later.
      </p>
    </fieldset>
  );
}

/** The monitors a posted form chose (see {@link MonitorChoice}). */
export function monitorChoiceOf(form: URLSearchParams) {
  return {
    choosing: form.has("choosing"),
    monitors: form.getAll("monitors"),
    offered: form.getAll("offered"),
  };
}

export const BUTTON_CLASS =
  "rounded-md bg-slate-900 px-4 py-2 font-medium text-white hover:bg-slate-700 focus:outline-none focus:ring-2 focus:ring-sky-500 focus:ring-offset-2 dark:bg-white dark:text-slate-900 dark:hover:bg-slate-200";
