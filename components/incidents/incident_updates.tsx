/**
 * The incident page's "Updates for customers": where they show (the monitor's status
 * pages), a form to post one (a plain POST to the incident's page), and those posted,
 * newest first, each with a button that deletes it.
 */
import type { IncidentDetail, IncidentUpdate } from "../../services/incidents/mod.ts";
import { UPDATE_STATUS_WORDS } from "../../services/incidents/mod.ts";
import { MAX_UPDATE_MESSAGE, UPDATE_STATUSES } from "../../services/incidents/schemas.ts";
import type { FieldErrors } from "../../web/forms.ts";
import { Time } from "../time.tsx";
import { Button, Card, describedBy, Field, inputClass, LINK, Notice } from "../ui.tsx";

export interface UpdateValues {
  status: string;
  message: string;
}

/** What the form starts with: "Investigating" first, "Update" once something was said. */
export function firstValues(detail: IncidentDetail): UpdateValues {
  const said = detail.updates.length > 0 || detail.incident.resolvedAt !== null;
  return { status: said ? "update" : "investigating", message: "" };
}

export function IncidentUpdates(props: {
  detail: IncidentDetail;
  values: UpdateValues;
  errors: FieldErrors;
  /** A viewer of the team: the updates, without the form or their Delete buttons. */
  viewOnly?: boolean;
}) {
  const { detail, values, errors } = props;
  const path = `/app/incidents/${detail.incident.id}`;
  // An address on two of these pages is mailed once by each.
  const subscribers = detail.statusPages.reduce((sum, page) => sum + page.subscribers, 0);
  return (
    <>
      <p class="mb-3 text-sm text-slate-700 dark:text-slate-300" data-shown-on>
        {detail.statusPages.length
          ? (
            <>
              Shown under this incident on {detail.statusPages.map((page, i) => (
                <span key={page.id}>
                  {i > 0 && (i === detail.statusPages.length - 1 ? " and " : ", ")}
                  <a href={`/status/${page.slug}`} class={LINK}>{page.title}</a>
                </span>
              ))}, newest first. Visitors see the words and the time, not who posted them.
              {subscribers > 0 &&
                ` Posting one also emails it to ${subscribers} ${
                  subscribers === 1 ? "subscriber" : "subscribers"
                } of ${detail.statusPages.length === 1 ? "the page" : "these pages"}.`}
            </>
          )
          : (
            <>
              {detail.incident.websiteName}{" "}
              is on no status page yet, so nobody outside sees these updates. To show them,{" "}
              <a href="/app/status-pages" class={LINK}>add it to a status page</a>.
            </>
          )}
      </p>
      {!props.viewOnly && (
        <Card class="p-4 sm:p-6">
          {detail.incident.resolvedAt !== null && (
            <p class="mb-4 text-sm text-slate-700 dark:text-slate-300">
              This incident is over. An update now tells customers what was found and what changed.
            </p>
          )}
          <form method="post" action={`${path}#updates`} class="space-y-4" novalidate>
            {errors.form && <Notice kind="error">{errors.form}</Notice>}
            <Field id="update-status" label="Status" error={errors.status}>
              <select
                {...describedBy("update-status", errors.status)}
                name="status"
                class={inputClass(errors.status, "sm:w-56")}
              >
                {UPDATE_STATUSES.map((status) => (
                  <option value={status} selected={values.status === status}>
                    {UPDATE_STATUS_WORDS[status]}
                  </option>
                ))}
              </select>
            </Field>
            <Field
              id="update-message"
              label="Message"
              error={errors.message}
              hint="What your customers read: what is affected, what you are doing, when you expect to know more."
            >
              <textarea
                {...describedBy("update-message", errors.message, true)}
                name="message"
                rows={4}
                maxLength={MAX_UPDATE_MESSAGE}
                required
                placeholder={detail.incident.resolvedAt === null
                  ? "Checkout is failing for some customers. We are looking into it."
                  : "A certificate had expired. We renewed it and now renew automatically."}
                class={inputClass(errors.message)}
              >
                {values.message}
              </textarea>
            </Field>
            <Button>Post update</Button>
          </form>
        </Card>
      )}
      {detail.updates.length
        ? (
          <ol class="mt-4 space-y-3" aria-label="Updates posted, newest first">
            {detail.updates.map((update) => (
              <Posted
                key={update.id}
                update={update}
                path={props.viewOnly ? null : path}
              />
            ))}
          </ol>
        )
        : (
          <p class="mt-4 text-sm text-slate-600 dark:text-slate-400">
            No updates yet.{detail.statusPages.length > 0 &&
              " The status pages show only when it started and whether it is over."}
          </p>
        )}
    </>
  );
}

/** One update; `path` null: no Delete button (a viewer). */
function Posted({ update, path }: { update: IncidentUpdate; path: string | null }) {
  const words = UPDATE_STATUS_WORDS[update.status];
  const gist = update.message.length > 40 ? `${update.message.slice(0, 40)}…` : update.message;
  return (
    <li
      class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-700 dark:bg-slate-800"
      data-update={update.id}
    >
      <div class="flex flex-wrap items-start justify-between gap-2">
        <p class="text-sm">
          <span class="font-semibold">{words}</span>
          <span class="text-slate-600 dark:text-slate-400">
            {" · "}
            <Time at={update.createdAt} seconds />
            {update.author && ` · by ${update.author}`}
          </span>
        </p>
        {path !== null && (
          <form method="post" action={`${path}/updates/${update.id}/delete`}>
            <Button variant="secondary" aria-label={`Delete update (${words}: ${gist})`}>
              Delete
            </Button>
          </form>
        )}
      </div>
      <p class="mt-2 whitespace-pre-line text-sm text-slate-800 [overflow-wrap:anywhere] dark:text-slate-200">
        {update.message}
      </p>
    </li>
  );
}
