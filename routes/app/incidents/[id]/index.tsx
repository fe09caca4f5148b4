/**
 * `/app/incidents/<id>`: one incident, for finding out why and who knows: what it is,
 * what happened when (went down, alerts sent, acknowledged, resolved), each region's
 * checks during it, and its failed checks. Acknowledge and Resolve are plain form POSTs.
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
  incidentIdInput,
} from "../../../../services/incidents/mod.ts";
import { FAILURES_SHOWN } from "../../../../services/incidents/detail.ts";
import {
  causeText,
  IncidentAction,
  Regions,
} from "../../../../components/incidents/incident_list.tsx";
import { Card, LINK, Notice, PageHeader } from "../../../../components/ui.tsx";
import { Time } from "../../../../components/time.tsx";
import { DeliveryStatus } from "../../../../components/notifications/delivery_status.tsx";
import { formatLongDuration } from "../../../../lib/time_format.ts";
import RecentChecks from "../../../../islands/RecentChecks.tsx";
import type { ComponentChildren } from "preact";

interface Data {
  detail: IncidentDetail;
  notice: string | null;
}

export const handler = defineApp.handlers<Data>({
  async GET(ctx) {
    const id = incidentIdInput.safeParse({ id: ctx.params.id });
    if (!id.success) throw new HttpError(404, "Incident not found");
    const detail = await incidentDetail(
      ctx.state.services,
      { userId: ctx.state.user.id },
      id.data.id,
    ).catch((error) => {
      throw pageError(error);
    });
    ctx.state.title = `Incident of ${detail.incident.websiteName}`;
    const notice = INCIDENT_NOTICES[ctx.url.searchParams.get("notice") ?? ""] ?? null;
    return page({ detail, notice });
  },
});

const TERM = "text-slate-600 dark:text-slate-400";

export default defineApp.page<typeof handler>(({ data, url }) => {
  const { incident, checks, alerts } = data.detail;
  const ongoing = incident.resolvedAt === null;
  const back = url.pathname;
  return (
    <>
      <p class="mb-2 text-sm">
        <a href="/app/incidents" class={LINK}>← Incidents</a>
      </p>
      <PageHeader
        title={`Incident of ${incident.websiteName}`}
        description={ongoing
          ? (
            <span class="inline-flex items-center gap-1.5 font-medium text-rose-700 dark:text-rose-400">
              <span class="inline-block h-2 w-2 rounded-full bg-rose-600" aria-hidden="true"></span>
              Ongoing for {formatLongDuration(incident.durationMs)}
            </span>
          )
          : <span>Resolved after {formatLongDuration(incident.durationMs)}</span>}
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
          <dd class="[overflow-wrap:anywhere]">
            <a href={`/app/monitors/${incident.websiteId}`} class={LINK}>
              {incident.websiteName}
            </a>
          </dd>
          <dt class={TERM}>Cause</dt>
          <dd class="break-words">{causeText(incident)}</dd>
          <dt class={TERM}>Started</dt>
          <dd>
            <Time at={incident.startedAt} seconds />
          </dd>
          <dt class={TERM}>Resolved</dt>
          <dd>
            {ongoing ? "Not yet" : (
              <>
                <Time at={incident.resolvedAt!} seconds />
                {incident.resolvedBy ? `, by ${incident.resolvedBy}` : ", its checks passed again"}
              </>
            )}
          </dd>
          <dt class={TERM}>Regions that failed</dt>
          <dd>
            <Regions incident={incident} />
          </dd>
          <dt class={TERM}>Acknowledged</dt>
          <dd>
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
                <span class="break-words">{entry.what}</span>
              </li>
            ))}
          </ol>
          {alerts.length === 0 && (
            <p class={`mt-4 text-sm ${TERM}`}>
              No alert was sent about this incident: alerts go to the monitor's{" "}
              <a href="/app/notifications" class={LINK}>notification channels</a>.
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
          ? `The last ${FAILURES_SHOWN} of ${checks.failureCount}`
          : undefined}
      >
        {checks === null ? <ChecksUnavailable /> : (
          <Card>
            <RecentChecks
              checks={checks.failures}
              feed={null}
              waitingTitle="No failed checks stored"
              waitingText="Checks are kept for a limited time; this incident's are gone."
            />
          </Card>
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

interface Entry {
  at: number;
  what: ComponentChildren;
}

/** What happened, oldest first: down, each alert, acknowledged, resolved. */
function timeline({ incident, alerts }: IncidentDetail): Entry[] {
  const entries: Entry[] = [{ at: incident.startedAt, what: `Down: ${causeText(incident)}` }];
  for (const alert of alerts) entries.push(alertEntry(alert, incident.resolvedBy !== null));
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
  // Stable: an alert queued in the same millisecond as the transition stays after it.
  return entries.sort((a, b) => a.at - b.at);
}

function alertEntry(alert: IncidentAlert, byHand: boolean): Entry {
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
  if (alert.status === "delivered") {
    return {
      at: alert.deliveredAt ?? alert.updatedAt,
      what: <>{message} delivered to {to}</>,
    };
  }
  const tries = `${alert.attempts} ${alert.attempts === 1 ? "try" : "tries"}`;
  return {
    at: alert.status === "failed" ? alert.updatedAt : alert.createdAt,
    what: (
      <>
        {message} to {to}: <DeliveryStatus status={alert.status} attempts={alert.attempts} />
        {alert.attempts > 0 && ` after ${tries}`}
        {alert.error && ` (${alert.error})`}
        {alert.nextAttemptAt !== null && (
          <>
            , next try <Time at={alert.nextAttemptAt} seconds />
          </>
        )}
      </>
    ),
  };
}
