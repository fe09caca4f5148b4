/**
 * `/app/incidents/<id>`: one incident, for finding out why and who knows: what it is,
 * what happened when (components/incidents/incident_timeline.tsx), each region's checks
 * during it, and its failed checks, 50 a page; and what the owner tells customers about it
 * (components/incidents/incident_updates.tsx), posted here. Acknowledge, Resolve and
 * posting an update are plain form POSTs.
 */
import { type Context, HttpError, page } from "../../../../fresh/mod.ts";
import { defineApp } from "../../../../web/define.ts";
import { pageError } from "../../../../web/page_errors.ts";
import { INCIDENT_NOTICES } from "../../../../web/incident_action_route.ts";
import {
  FAILURES_SHOWN,
  type IncidentDetail,
  incidentDetail,
  incidentDetailInput,
  postIncidentUpdate,
  postUpdateInput,
} from "../../../../services/incidents/mod.ts";
import {
  firstValues,
  IncidentUpdates,
  type UpdateValues,
} from "../../../../components/incidents/incident_updates.tsx";
import { type FieldErrors, fieldErrors, readForm, seeOther } from "../../../../web/forms.ts";
import type { SignedInState } from "../../../../web/define.ts";
import {
  causeText,
  IncidentAction,
  Regions,
} from "../../../../components/incidents/incident_list.tsx";
import { IncidentTimeline } from "../../../../components/incidents/incident_timeline.tsx";
import { RegionSpans } from "../../../../components/incidents/region_spans.tsx";
import { describeTarget } from "../../../../components/monitor/describe_target.ts";
import { Card, LINK, Notice, PageHeader } from "../../../../components/ui.tsx";
import { Time } from "../../../../components/time.tsx";
import { formatInterval, formatLongDuration } from "../../../../lib/time_format.ts";
import RecentChecks from "../../../../islands/RecentChecks.tsx";
import IncidentLive from "../../../../islands/IncidentLive.tsx";
import type { ComponentChildren } from "preact";
import { actorOf } from "../../../../services/context.ts";

interface Data {
  detail: IncidentDetail;
  /** The update form: what it starts with, or what was posted with its errors. */
  update: UpdateValues;
  errors: FieldErrors;
  /** The failed checks' page (`?cursor=`); null on the newest. */
  cursor: string | null;
  notice: string | null;
  /** The notice is about an update: it goes where the page lands, by the updates. */
  updateNotice: boolean;
  retentionDays: number;
  /** Epoch ms: checks from then on are not on the page. */
  renderedAt: number;
}

export const handler = defineApp.handlers<Data>({
  GET: (ctx) => show(ctx),
  /** "Post update": back to the page with the update listed, or with the form's errors. */
  async POST(ctx) {
    const form = await readForm(ctx.req);
    const values = { status: form.get("status") ?? "", message: form.get("message") ?? "" };
    const actor = actorOf(ctx.state.user);
    try {
      const input = postUpdateInput.parse({ incidentId: ctx.params.id, ...values });
      await postIncidentUpdate(ctx.state.services, actor, input);
    } catch (error) {
      const errors = fieldErrors(error);
      if (!errors) throw pageError(error); // not found, or not ours to say
      if (errors.incidentId) throw new HttpError(404, "Incident not found");
      return show(ctx, { values, errors });
    }
    return seeOther(`${ctx.url.pathname}?notice=update-posted#updates`);
  },
});

async function show(
  ctx: Context<SignedInState>,
  posted?: { values: UpdateValues; errors: FieldErrors },
) {
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
  const detail = await incidentDetail(services, actorOf(ctx.state.user), input.data)
    .catch((error) => {
      throw pageError(error);
    });
  ctx.state.title = `Incident of ${detail.incident.websiteName}`;
  const noticeKey = ctx.url.searchParams.get("notice") ?? "";
  const notice = INCIDENT_NOTICES[noticeKey] ?? null;
  return page({
    detail,
    update: posted?.values ?? firstValues(detail),
    errors: posted?.errors ?? {},
    cursor,
    notice,
    updateNotice: notice !== null && noticeKey.startsWith("update-"),
    retentionDays: services.config.retentionDays,
    renderedAt: Date.now(),
  }, { status: posted ? 400 : 200 });
}

const TERM = "text-slate-600 dark:text-slate-400";
/** A value that may be one long word (a name, a URL, an error) wraps anywhere. */
const WRAP = "min-w-0 [overflow-wrap:anywhere]";

export default defineApp.page<typeof handler>(({ data, url, state }) => {
  const viewer = state.user?.viewer === true;
  const { incident, monitor, checks } = data.detail;
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
        actions={ongoing && !viewer && (
          <>
            {incident.acknowledgedAt === null && (
              <IncidentAction
                incident={incident}
                back={back}
                action="acknowledge"
                label="Acknowledge"
              />
            )}
            {incident.acknowledgedAt === null && incident.escalatedAt === null &&
              monitor.escalation !== null && (
              <IncidentAction
                incident={incident}
                back={back}
                action="escalate"
                label="Escalate now"
              />
            )}
            <IncidentAction incident={incident} back={back} action="resolve" label="Resolve" />
          </>
        )}
      />
      {data.notice && !data.updateNotice && (
        <Notice kind="success" class="mb-4">{data.notice}</Notice>
      )}
      {ongoing && (
        <IncidentLive websiteId={incident.websiteId} since={data.renderedAt} href={back} />
      )}

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
            {incident.acknowledgedAt === null
              ? ongoing && monitor.remindEveryMinutes !== null
                ? `No: its channels are reminded every ${
                  formatInterval(monitor.remindEveryMinutes * 60)
                } until someone does`
                : "No"
              : (
                <>
                  By {incident.acknowledgedBy ?? "a deleted user"},{" "}
                  <Time at={incident.acknowledgedAt} seconds />
                </>
              )}
          </dd>
          {(incident.escalatedAt !== null || (ongoing && monitor.escalation !== null)) && (
            <>
              <dt class={TERM}>Escalated</dt>
              <dd class={WRAP}>
                {incident.escalatedAt !== null
                  ? (
                    <>
                      {incident.escalatedBy && <>By {incident.escalatedBy},{" "}</>}
                      <Time at={incident.escalatedAt} seconds />, to its escalation channels
                    </>
                  )
                  : incident.acknowledgedAt !== null
                  ? "No: it was acknowledged in time"
                  : `Not yet: after ${
                    formatInterval(monitor.escalation!.afterMinutes * 60)
                  } unacknowledged, ${monitor.escalation!.channels.join(", ")} ${
                    monitor.escalation!.channels.length === 1 ? "is" : "are"
                  } alerted`}
              </dd>
            </>
          )}
        </dl>
      </Card>

      <Section id="updates" title="Updates for customers">
        {data.updateNotice && <Notice kind="success" class="mb-3">{data.notice}</Notice>}
        <IncidentUpdates
          detail={data.detail}
          values={data.update}
          errors={data.errors}
          viewOnly={viewer}
        />
      </Section>

      <Section id="timeline" title="Timeline">
        <IncidentTimeline detail={data.detail} />
      </Section>

      <Section id="regions" title="Regions">
        {checks === null ? <ChecksUnavailable /> : <RegionSpans regions={checks.regions} />}
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
