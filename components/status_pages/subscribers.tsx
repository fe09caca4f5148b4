/**
 * A status page's email subscribers in the editor: whether visitors may subscribe, how
 * many have (and how many have yet to confirm), and each address with "Remove".
 */
import type { Subscribers } from "../../services/subscribers/list.ts";
import { LISTED } from "../../services/subscribers/list.ts";
import { Time } from "../time.tsx";
import { Button, CHECKBOX, LINK, Notice } from "../ui.tsx";

export function SubscriptionsForm(
  props: { pageId: string; enabled: boolean; canMail: boolean; error?: string },
) {
  const cannotMail = !props.canMail && (
    <Notice kind="info">
      This deployment cannot send email: set <code>SMTP_URL</code> (and{" "}
      <code>MAIL_FROM</code>) to let visitors subscribe to this page.
    </Notice>
  );
  // Without mail, subscriptions can still be turned off, never on.
  if (!props.canMail && !props.enabled) return cannotMail;
  return (
    <form method="post" action={`/app/status-pages/${props.pageId}#subscribers`} class="space-y-3">
      {cannotMail}
      <input type="hidden" name="intent" value="subscriptions" />
      {props.error && <Notice kind="error">{props.error}</Notice>}
      <label class="flex items-start gap-2 text-sm">
        <input
          type="checkbox"
          name="subscriptions"
          checked={props.enabled}
          class={CHECKBOX}
        />
        <span>
          <span class="font-medium">Let visitors subscribe by email</span>
          <span class="block text-slate-600 dark:text-slate-400">
            The public page gets a “Get updates by email” form. Subscribers confirm their address,
            then get an email when a monitor on the page goes down or comes back up, for each update
            you post about its incident, and when you schedule, move or cancel its maintenance.
          </span>
        </span>
      </label>
      <Button variant="secondary">Save subscriptions</Button>
    </form>
  );
}

export function SubscriberList(props: { pageId: string; list: Subscribers }) {
  const { confirmed, waiting, subscribers } = props.list;
  if (!subscribers.length) {
    return (
      <p class="text-sm text-slate-600 dark:text-slate-400">
        No subscribers yet. Visitors who subscribe on the public page show here once they ask.
      </p>
    );
  }
  const total = confirmed + waiting;
  return (
    <div>
      <p class="text-sm">
        <span class="font-medium">{confirmed}</span> subscribed
        {waiting > 0 && (
          <>
            , <span class="font-medium">{waiting}</span> yet to confirm their address
          </>
        )}
        {total > LISTED && <>; the newest {LISTED} are listed</>}.{" "}
        <a href={`/app/status-pages/${props.pageId}/subscribers.csv`} class={LINK} download>
          Download all as CSV
        </a>
      </p>
      <ul class="mt-3 divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-700 dark:border-slate-700">
        {subscribers.map((subscriber) => (
          <li
            key={subscriber.id}
            class="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 px-3 py-2"
          >
            <div class="min-w-0">
              <p class="break-all text-sm font-medium">{subscriber.email}</p>
              <p class="text-xs text-slate-600 dark:text-slate-400">
                {subscriber.confirmedAt === null
                  ? (
                    <>
                      Not confirmed yet · asked <Time at={subscriber.createdAt} />
                    </>
                  )
                  : (
                    <>
                      Subscribed <Time at={subscriber.confirmedAt} />
                    </>
                  )}
                {" · "}
                {subscriber.monitors === null
                  ? "all monitors"
                  : subscriber.monitors.length
                  ? subscriber.monitors.join(", ")
                  : "none of the monitors it chose is on the page now"}
              </p>
            </div>
            <form method="post" action={`/app/status-pages/${props.pageId}#subscribers`}>
              <input type="hidden" name="intent" value="remove-subscriber" />
              <input type="hidden" name="subscriberId" value={subscriber.id} />
              <Button variant="secondary" aria-label={`Remove ${subscriber.email}`}>
                Remove
              </Button>
            </form>
          </li>
        ))}
      </ul>
    </div>
  );
}
