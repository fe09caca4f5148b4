/**
 * What a private status page shows a browser without its access cookie: the page's
 * title and a password form that posts back to the page (services/status_pages/access.ts).
 */
import { BUTTON_CLASS, SubscriptionPage } from "./SubscriptionPage.tsx";

export interface PrivatePageProps {
  title: string;
  /** Where the form posts: the page's own address. */
  action: string;
  error: string | null;
}

export function PrivatePage({ title, action, error }: PrivatePageProps) {
  return (
    <SubscriptionPage
      pageTitle={title}
      pageHref={action}
      heading="This status page is private"
      back={false}
    >
      <p>Enter the password you were given to see it.</p>
      <form method="post" action={action} class="space-y-3">
        <div>
          <label for="page-password" class="block text-sm font-medium">Password</label>
          <input
            id="page-password"
            name="password"
            type="password"
            required
            maxLength={200}
            autoComplete="current-password"
            autofocus
            aria-invalid={error ? "true" : undefined}
            aria-describedby={error ? "page-password-error" : undefined}
            class={`mt-1 w-full rounded-md border bg-white px-3 py-2 text-slate-900 focus:border-sky-500 focus:outline-none focus:ring-2 focus:ring-sky-500/40 dark:bg-slate-900 dark:text-slate-100 ${
              error ? "border-rose-400" : "border-slate-300 dark:border-slate-600"
            }`}
          />
          {error && (
            <p id="page-password-error" class="mt-1 text-sm text-rose-700 dark:text-rose-400">
              ⚠ {error}
            </p>
          )}
        </div>
        <button type="submit" class={BUTTON_CLASS}>View status page</button>
      </form>
    </SubscriptionPage>
  );
}
