/**
 * Incidents as the dashboard shows them: a table on wide screens, one card per incident
 * on narrow ones, each with, while ongoing, "Acknowledge" and "Resolve" buttons that are
 * plain form POSTs.
 */
import type { ComponentChildren } from "preact";
import type { Incident } from "../../services/incidents/store.ts";
import { formatDateTime, formatLongDuration } from "../../lib/time_format.ts";
import { Time } from "../time.tsx";
import { failureWords } from "../../lib/http_client/failures.ts";
import { Button, LINK } from "../ui.tsx";

interface Props {
  incidents: Incident[];
  /**
   * Where the acknowledge and resolve forms return to (this page); null: no such forms,
   * for a viewer of the team.
   */
  back: string | null;
  /** Hide the monitor column (on the monitor's own page). */
  hideMonitor?: boolean;
}

export function IncidentList(props: Props) {
  return (
    <>
      <div class="hidden overflow-x-auto lg:block">
        <table class="w-full text-left text-sm">
          <caption class="sr-only">Incidents, newest first</caption>
          <thead class="border-b border-slate-200 text-xs uppercase text-slate-600 dark:border-slate-700 dark:text-slate-400">
            <tr>
              {!props.hideMonitor && <th scope="col" class="px-4 py-2">Monitor</th>}
              <th scope="col" class="px-4 py-2">Started</th>
              <th scope="col" class="px-4 py-2">Resolved</th>
              <th scope="col" class="px-4 py-2">Duration</th>
              <th scope="col" class="px-4 py-2">Regions</th>
              <th scope="col" class="px-4 py-2">Cause</th>
              <th scope="col" class="px-4 py-2">Acknowledged</th>
              <th scope="col" class="px-4 py-2">
                <span class="sr-only">Details</span>
              </th>
            </tr>
          </thead>
          <tbody class="divide-y divide-slate-100 dark:divide-slate-700">
            {props.incidents.map((incident) => (
              <tr key={incident.id} class="align-top">
                {!props.hideMonitor && (
                  <td class="px-4 py-3">
                    {/* A name with no place to break must not push the other columns away. */}
                    <div class="max-w-[16rem] [overflow-wrap:anywhere]">
                      <MonitorLink incident={incident} />
                    </div>
                  </td>
                )}
                <td class="px-4 py-3 whitespace-nowrap">
                  <Time at={incident.startedAt} />
                </td>
                <td class="px-4 py-3 whitespace-nowrap">
                  <Resolved incident={incident} back={props.back} />
                </td>
                <td class="px-4 py-3 whitespace-nowrap">
                  {formatLongDuration(incident.durationMs)}
                </td>
                <td class="px-4 py-3">
                  <Regions incident={incident} />
                </td>
                <td class="px-4 py-3 break-words">{causeText(incident)}</td>
                <td class="px-4 py-3">
                  <Acknowledgement
                    incident={incident}
                    back={props.back}
                    none={<span class="text-slate-600 dark:text-slate-400">—</span>}
                  />
                </td>
                <td class="px-4 py-3">
                  <DetailsLink incident={incident} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul class="divide-y divide-slate-100 lg:hidden dark:divide-slate-700">
        {props.incidents.map((incident) => (
          <li key={incident.id} class="space-y-2 p-4 text-sm">
            <div class="flex flex-wrap items-baseline justify-between gap-2">
              {props.hideMonitor
                ? <span class="font-medium">Incident</span>
                : <MonitorLink incident={incident} />}
              {incident.resolvedAt === null
                ? <Resolved incident={incident} back={props.back} />
                : (
                  <span>
                    Resolved <Time at={incident.resolvedAt} />
                  </span>
                )}
            </div>
            <dl class="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
              <dt class="text-slate-600 dark:text-slate-400">Started</dt>
              <dd>
                <Time at={incident.startedAt} />
              </dd>
              <dt class="text-slate-600 dark:text-slate-400">Duration</dt>
              <dd>{formatLongDuration(incident.durationMs)}</dd>
              <dt class="text-slate-600 dark:text-slate-400">Regions</dt>
              <dd>
                <Regions incident={incident} />
              </dd>
              <dt class="text-slate-600 dark:text-slate-400">Cause</dt>
              <dd class="break-words">{causeText(incident)}</dd>
            </dl>
            <div class="flex flex-wrap items-center justify-between gap-2">
              <Acknowledgement incident={incident} back={props.back} labelled />
              <span class="ml-auto">
                <DetailsLink incident={incident} />
              </span>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}

function MonitorLink(props: { incident: Incident }) {
  return (
    <a
      href={`/app/monitors/${props.incident.websiteId}`}
      class={`${LINK} min-w-0 [overflow-wrap:anywhere]`}
    >
      {props.incident.websiteName}
    </a>
  );
}

/** "Details", named for screen readers by the incident it opens. */
function DetailsLink(props: { incident: Incident }) {
  const { incident } = props;
  return (
    <a
      href={`/app/incidents/${incident.id}`}
      class={`${LINK} whitespace-nowrap`}
      aria-label={`Details of the incident of ${incident.websiteName} started ${
        formatDateTime(incident.startedAt, "UTC")
      }`}
    >
      Details
    </a>
  );
}

function Resolved(props: { incident: Incident; back: string | null }) {
  const { incident } = props;
  if (incident.resolvedAt === null) {
    return (
      <div class="flex flex-wrap items-center gap-2">
        <span class="inline-flex items-center gap-1.5 font-medium text-rose-700 dark:text-rose-400">
          <span class="inline-block h-2 w-2 rounded-full bg-rose-600" aria-hidden="true"></span>
          Ongoing
        </span>
        {props.back !== null && (
          <IncidentAction incident={incident} back={props.back} action="resolve" label="Resolve" />
        )}
      </div>
    );
  }
  return <Time at={incident.resolvedAt} />;
}

/**
 * Who acknowledged it, or the button while it is ongoing (and when it escalated, if it
 * did); `none` once resolved unacknowledged. `labelled` where no column heading says what
 * "By …" means.
 */
function Acknowledgement(
  props: { incident: Incident; back: string | null; none?: ComponentChildren; labelled?: boolean },
) {
  const { incident } = props;
  if (incident.acknowledgedAt !== null) {
    return (
      <span class="text-slate-700 dark:text-slate-300">
        {props.labelled ? "Acknowledged by" : "By"} {incident.acknowledgedBy ?? "a deleted user"},
        {" "}
        <Time at={incident.acknowledgedAt} />
      </span>
    );
  }
  // Resolved before anyone took it on: nothing left to acknowledge.
  if (incident.resolvedAt !== null) return props.none ?? null;
  const button = props.back === null
    ? <span class="text-slate-600 dark:text-slate-400">Not acknowledged</span>
    : (
      <IncidentAction
        incident={incident}
        back={props.back}
        action="acknowledge"
        label="Acknowledge"
      />
    );
  if (incident.escalatedAt === null) return button;
  // Nobody took it on in time, and its escalation channels were told.
  return (
    <div class="flex flex-wrap items-center gap-2">
      {button}
      <span class="text-sm font-medium text-amber-800 dark:text-amber-300">
        Escalated <Time at={incident.escalatedAt} />
      </span>
    </div>
  );
}

/** A button that POSTs `action` for this incident and returns to `back`. */
export function IncidentAction(
  props: {
    incident: Incident;
    back: string;
    action: "acknowledge" | "resolve" | "escalate";
    label: string;
  },
) {
  const { incident } = props;
  return (
    <form method="post" action={`/app/incidents/${incident.id}/${props.action}`}>
      <input type="hidden" name="next" value={props.back} />
      <Button
        variant="secondary"
        class="px-3 py-1"
        aria-label={`${props.label} the incident of ${incident.websiteName} started ${
          formatDateTime(incident.startedAt, "UTC")
        }`}
      >
        {props.label}
      </Button>
    </form>
  );
}

export function Regions(props: { incident: Incident }) {
  const { regions, totalRegions } = props.incident;
  return (
    <>
      <span class="font-mono">{regions.join(", ")}</span>{" "}
      <span class="whitespace-nowrap">({regions.length} of {totalRegions})</span>
    </>
  );
}

export function causeText(incident: Incident): string {
  const { errorKind, errorMessage, httpStatus } = incident.cause;
  const status = httpStatus ? `HTTP ${httpStatus}` : "";
  return failureWords(errorKind, errorMessage || status) || "Failed check";
}
