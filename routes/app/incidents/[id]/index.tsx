/**
 * `/app/incidents/<id>`: one incident, for finding out why and who knows: what it is,
 * what happened when (went down, regions joining, alerts sent, acknowledged, resolved),
 * each region's checks during it, and its failed checks, 50 a page. Acknowledge and
 * Resolve are plain form POSTs.
 */
import { HttpError, page } from "../../../../fresh/mod.ts";
import { defineApp } from "../../../../web/define.ts";
import { pageError } from "../../../../web/page_errors.ts";
import { INCIDENT_NOTICES } from "../../../../web/incident_action_route.ts";
import { kindLabel } from "../../../../web/notification_pages.ts";
import {
  type IncidentAlert,
  type IncidentDetail,
  incidentDetail,
  incidentDetailInput,
} from "../../../../services/incidents/mod.ts";
import { FAILURES_SHOWN } from "../../../../services/incidents/detail.ts";
import {
  causeText,
  IncidentAction,
  Regions,
} from "../../../../components/incidents/incident_list.tsx";
import { describeTarget } from "../../../../components/monitor/describe_target.ts";
import { Card, LINK, Notice, PageHeader } from "../../../../components/ui.tsx";
import { Time } from "../../../../components/time.tsx";
import { DeliveryStatus } from "../../../../components/notifications/delivery_status.tsx";
import { formatLongDuration } from "../../../../lib/time_format.ts";
import RecentChecks from "../../../../islands/RecentChecks.tsx";
import type { ComponentChildren } from "preact";

interface Data {
  detail: IncidentDetail;
  /** The failed checks' page (`?cursor=`); null on the newest. */
  cursor: string | null;
  notice: string | null;
  retentionDays: number;
}

export const handler = defineApp.handlers<Data>({
  async GET(ctx) {
    const cursor = ctx.url.searchParams.get("cursor");
    const input = incidentDetailInput.safeParse({
      id: ctx.params.id,
      ...(cursor === null ? {} : { cursor }),
    });
    if (!input.success) {
      if (input.error.issues.some((issue) => issue.path[0] === "id")) {
        throw new HttpError(404, "Incident not found");
      }
      throw new HttpError(400, input.error.issues[0].message);
    }
    const { services } = ctx.state;
    const detail = await incidentDetail(services, { userId: ctx.state.user.id }, input.data)
      .catch((error) => {
        throw pageError(error);
      });
    ctx.state.title = `Incident of ${detail.incident.websiteName}`;
    const notice = INCIDENT_NOTICES[ctx.url.searchParams.get("notice") ?? ""] ?? null;
    return page({ detail, cursor, notice, retentionDays: services.config.retentionDays });
  },
});

const TERM = "text-slate-600 dark:text-slate-400";
/** A value that may be one long word (a name, a URL, an error) wraps anywhere. */
const WRAP = "min-w-0 [overflow-wrap:anywhere]";

export default defineApp.page<typeof handler>(({ data, url }) => {
  const { incident, monitor, checks, alerts } = data.detail;
  const ongoing = incident.resolvedAt === null;
  const back = url.pathname;
  const failuresHref = (cursor?: string) =>
    `${url.pathname}${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}#failures`;
  return (
    <>
      <p class="mb-2 text-sm">
        <a href="/app/incidents" class={LINK}>← Incidents</a>
      </p>
      <PageHeader
        title={`Incident of ${incident.websiteName}`}
        description={
          <span
            class={`inline-flex flex-wrap items-center gap-x-1.5 font-medium ${
              ongoing
                ? "text-rose-700 dark:text-rose-400"
                : "text-emerald-700 dark:text-emerald-400"
            }`}
          >
            <span
              class={`inline-block h-2 w-2 rounded-full ${
                ongoing ? "bg-rose-600" : "bg-emerald-600"
              }`}
              aria-hidden="true"
            >
            </span>
            {ongoing
              ? (
                <>
                  Ongoing, started <Time at={incident.startedAt} relative />
                </>
              )
              : `Resolved after ${formatLongDuration(incident.durationMs)}`}
          </span>
        }
        actions={ongoing && (
          <>
            {incident.acknowledgedAt === null && (
              <IncidentAction
                incident={incident}
                back={back}
                action="acknowledge"
                label="Acknowledge"
              />
            )}
            <IncidentAction incident={incident} back={back} action="resolve" label="Resolve" />
          </>
        )}
      />
      {data.notice && <Notice kind="success" class="mb-4">{data.notice}</Notice>}

      <Card class="p-4 sm:p-6" title="Summary">
        <dl class="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
          <dt class={TERM}>Monitor</dt>
          <dd class={WRAP}>
            <a href={`/app/monitors/${incident.websiteId}`} class={LINK}>
              {incident.websiteName}
            </a>
            <span class={`block font-mono text-xs ${TERM}`}>{describeTarget(monitor)}</span>
          </dd>
          <dt class={TERM}>Cause</dt>
          <dd class={WRAP}>{causeText(incident)}</dd>
          <dt class={TERM}>Started</dt>
          <dd>
            <Time at={incident.startedAt} seconds />
          </dd>
          <dt class={TERM}>Resolved</dt>
          <dd class={WRAP}>
            {ongoing ? "Not yet" : (
              <>
                <Time at={incident.resolvedAt!} seconds />{" "}
                {incident.resolvedBy ? `(by ${incident.resolvedBy})` : "(recovered)"}
              </>
            )}
          </dd>
          <dt class={TERM}>Regions that failed</dt>
          <dd>
            <Regions incident={incident} />
          </dd>
          <dt class={TERM}>Acknowledged</dt>
          <dd class={WRAP}>
            {incident.acknowledgedAt === null ? "No" : (
              <>
                By {incident.acknowledgedBy ?? "a deleted user"},{" "}
                <Time at={incident.acknowledgedAt} seconds />
              </>
            )}
          </dd>
        </dl>
      </Card>

      <Section id="timeline" title="Timeline">
        <Card class="p-4 sm:p-6">
          <ol class="space-y-3 text-sm">
            {timeline(data.detail).map((entry, index) => (
              <li key={index} class="grid gap-x-4 sm:grid-cols-[12rem_1fr]">
                <span class={`${TERM} whitespace-nowrap`}>
                  <Time at={entry.at} seconds />
                </span>
                <span class={WRAP}>{entry.what}</span>
              </li>
            ))}
          </ol>
          {alerts.length === 0 && (
            <p class={`mt-4 text-sm ${TERM}`}>
              {monitor.channels === 0
                ? (
                  <>
                    No alert was sent: this monitor alerts no channel. Add one under{" "}
                    <a href="/app/notifications" class={LINK}>Notifications</a>, or choose its
                    channels in the{" "}
                    <a href={`/app/monitors/${incident.websiteId}/edit`} class={LINK}>
                      monitor's settings
                    </a>.
                  </>
                )
                : ongoing
                ? "No alert has gone out about it yet."
                : "No alert was sent about it: the monitor alerted no channel then."}
            </p>
          )}
        </Card>
      </Section>

      <Section id="regions" title="Regions">
        {checks === null ? <ChecksUnavailable /> : (
          <Card>
            <div class="overflow-x-auto">
              <table class="w-full text-left text-sm">
                <caption class="sr-only">
                  Each region's checks from the start of the incident to its end
                </caption>
                <thead class="border-b border-slate-200 text-xs uppercase text-slate-600 dark:border-slate-700 dark:text-slate-400">
                  <tr>
                    <th scope="col" class="px-4 py-2 sm:px-6">Region</th>
                    <th scope="col" class="px-4 py-2">Failed checks</th>
                    <th scope="col" class="hidden px-4 py-2 sm:table-cell">First failure</th>
                    <th scope="col" class="hidden px-4 py-2 sm:table-cell sm:pr-6">
                      Last failure
                    </th>
                  </tr>
                </thead>
                <tbody class="divide-y divide-slate-100 dark:divide-slate-700">
                  {checks.regions.map((span) => (
                    <tr key={span.region} class="align-top">
                      <td class="px-4 py-3 font-mono sm:px-6">{span.region}</td>
                      <td class="px-4 py-3">
                        {span.checks ? `${span.failed} of ${span.checks}` : "No checks stored"}
                      </td>
                      <td class="hidden px-4 py-3 whitespace-nowrap sm:table-cell">
                        {span.firstFailureAt === null
                          ? "—"
                          : <Time at={span.firstFailureAt} seconds />}
                      </td>
                      <td class="hidden px-4 py-3 whitespace-nowrap sm:table-cell sm:pr-6">
                        {span.lastFailureAt === null
                          ? "—"
                          : <Time at={span.lastFailureAt} seconds />}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Card>
        )}
      </Section>

      <Section
        id="failures"
        title="Failed checks"
        aside={checks && checks.failureCount > FAILURES_SHOWN
          ? `${checks.failureCount} in all, ${FAILURES_SHOWN} a page, newest first`
          : undefined}
      >
        {checks === null ? <ChecksUnavailable /> : (
          <>
            <Card>
              <RecentChecks
                checks={checks.failures}
                feed={null}
                timed={monitor.type !== "heartbeat"}
                {...noFailures(data, Boolean(data.cursor))}
              />
            </Card>
            <p class="mt-4 flex justify-between text-sm">
              {data.cursor
                ? <a href={failuresHref()} class={LINK}>Newest failed checks</a>
                : <span></span>}
              {checks.nextCursor && (
                <a href={failuresHref(checks.nextCursor)} class={LINK} rel="next">
                  Older failed checks →
                </a>
              )}
            </p>
          </>
        )}
      </Section>
    </>
  );
});

function Section(
  props: { id: string; title: string; aside?: string; children: ComponentChildren },
) {
  return (
    <section id={props.id} class="mt-8" aria-labelledby={`${props.id}-heading`}>
      <div class="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <h2 id={`${props.id}-heading`} class="text-lg font-semibold">{props.title}</h2>
        {props.aside && <p class={`text-sm ${TERM}`}>{props.aside}</p>}
      </div>
      {props.children}
    </section>
  );
}

function ChecksUnavailable() {
  return (
    <Notice kind="error">
      The checks could not be loaded just now. Reload the page to try again.
    </Notice>
  );
}

/** What the empty list of failed checks says, by why it is empty. */
function noFailures(data: Data, older: boolean): { waitingTitle: string; waitingText: string } {
  if (older) {
    return { waitingTitle: "No older failed checks", waitingText: "That was the first one." };
  }
  const expired = data.detail.incident.startedAt < Date.now() - data.retentionDays * 86_400_000;
  return {
    waitingTitle: "No failed checks stored",
    waitingText: expired
      ? `Checks are kept for ${data.retentionDays} days; this incident's are gone.`
      : "None of this incident's failed checks are stored.",
  };
}

interface Entry {
  at: number;
  what: ComponentChildren;
}

/**
 * What happened, oldest first: down, each further region's first failure, each alert
 * (when it was raised), acknowledged, resolved.
 */
function timeline({ incident, alerts, checks }: IncidentDetail): Entry[] {
  const entries: Entry[] = [{ at: incident.startedAt, what: `Down: ${causeText(incident)}` }];
  const failing = (checks?.regions ?? []).filter((span) => span.firstFailureAt !== null);
  if (failing.length > 1) {
    for (const span of failing) {
      entries.push({
        at: span.firstFailureAt!,
        what: (
          <>
            First failed check in <span class="font-mono">{span.region}</span>
          </>
        ),
      });
    }
  }
  for (const alert of alerts) {
    entries.push(alertEntry(alert, incident.resolvedBy !== null, alerts));
  }
  if (incident.acknowledgedAt !== null) {
    entries.push({
      at: incident.acknowledgedAt,
      what: `Acknowledged by ${incident.acknowledgedBy ?? "a deleted user"}`,
    });
  }
  if (incident.resolvedAt !== null) {
    entries.push({
      at: incident.resolvedAt,
      what: incident.resolvedBy
        ? `Resolved by ${incident.resolvedBy}`
        : "Recovered: its checks passed again",
    });
  }
  // Stable: an entry of the same instant as the one it follows stays after it.
  return entries.sort((a, b) => a.at - b.at);
}

function alertEntry(alert: IncidentAlert, byHand: boolean, alerts: IncidentAlert[]): Entry {
  const message = alert.event === "opened"
    ? "Down alert"
    : byHand
    ? "Resolved alert"
    : "Recovery alert";
  // The channel's page has its settings and every delivery.
  const to = (
    <>
      <a href={`/app/notifications/${alert.channelId}`} class={LINK}>{alert.channelName}</a>
      {` (${kindLabel(alert.channelKind)})`}
    </>
  );
  const tries = `${alert.attempts} ${alert.attempts === 1 ? "try" : "tries"}`;
  if (alert.status === "delivered") {
    return {
      at: alert.createdAt,
      what: (
        <>
          {message} delivered to {to}
          {alert.attempts > 1 && (
            <>
              {` after ${tries}, `}
              <Time at={alert.deliveredAt ?? alert.updatedAt} seconds />
            </>
          )}
        </>
      ),
    };
  }
  // A recovery waits for the channel's down alert, so nobody hears "up" before "down".
  const waitsForDown = alert.event === "resolved" &&
    alerts.some((other) =>
      other.channelId === alert.channelId && other.event === "opened" &&
      other.status === "pending"
    );
  return {
    at: alert.createdAt,
    what: (
      <>
        {message} to {to}: <DeliveryStatus status={alert.status} attempts={alert.attempts} />
        {alert.attempts > 0 && ` after ${tries}`}
        {alert.error && ` (${alert.error})`}
        {waitsForDown
          ? ", after the down alert"
          : alert.nextAttemptAt !== null && alert.attempts > 0 && (
            alert.nextAttemptAt > Date.now()
              ? (
                <>
                  , next try <Time at={alert.nextAttemptAt} seconds />
                </>
              )
              : ", trying again now"
          )}
      </>
    ),
  };
}
