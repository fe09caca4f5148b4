/**
 * An incident's timeline, oldest first: when it went down, each further region's first
 * failed check, each alert to each channel (when it was raised, and how it went; the
 * reminders delivered to a channel in one line), each
 * update posted for customers, its acknowledgement and its end; below, why no alert went out when none did.
 */
import type { ComponentChildren } from "preact";
import type { IncidentAlert, IncidentDetail } from "../../services/incidents/mod.ts";
import { UPDATE_STATUS_WORDS } from "../../services/incidents/mod.ts";
import { kindLabel } from "../../services/notifications/providers/mod.ts";
import { Card, LINK } from "../ui.tsx";
import { Time } from "../time.tsx";
import { DeliveryStatus } from "../notifications/delivery_status.tsx";
import { causeText } from "./incident_list.tsx";

const TERM = "text-slate-600 dark:text-slate-400";

export function IncidentTimeline({ detail }: { detail: IncidentDetail }) {
  const { incident, monitor, alerts } = detail;
  const ongoing = incident.resolvedAt === null;
  return (
    <Card class="p-4 sm:p-6">
      <ol class="space-y-3 text-sm">
        {timeline(detail).map((entry, index) => (
          <li key={index} class="grid gap-x-4 sm:grid-cols-[12rem_1fr]">
            <span class={`${TERM} whitespace-nowrap`}>
              <Time at={entry.at} seconds />
            </span>
            <span class="min-w-0 [overflow-wrap:anywhere]">{entry.what}</span>
          </li>
        ))}
      </ol>
      {alerts.length === 0 && (
        <p class={`mt-4 text-sm ${TERM}`}>
          {monitor.channels === 0
            ? (
              <>
                No alert was sent: this monitor alerts no channel. Add one under{" "}
                <a href="/app/notifications" class={LINK}>Notifications</a>, or choose its channels
                in the{" "}
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
  );
}

interface Entry {
  at: number;
  what: ComponentChildren;
}

/**
 * What happened, oldest first: down, each further region's first failure, each alert
 * (when it was raised), each update for customers, escalated, acknowledged, resolved.
 */
function timeline({ incident, alerts, checks, updates }: IncidentDetail): Entry[] {
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
  // A long outage's reminders that went out are one line per channel.
  const reminded = new Map<string, IncidentAlert[]>();
  for (const alert of alerts) {
    if (alert.event === "reminder" && alert.status === "delivered") {
      reminded.set(alert.channelId, [...reminded.get(alert.channelId) ?? [], alert]);
    } else {
      entries.push(alertEntry(alert, incident.resolvedBy !== null, alerts));
    }
  }
  for (const sent of reminded.values()) entries.push(remindersEntry(sent));
  for (const update of updates) {
    entries.push({
      at: update.createdAt,
      what: `Posted an update for customers${
        update.status === "update" ? "" : ` (${UPDATE_STATUS_WORDS[update.status]})`
      }${update.author ? ` by ${update.author}` : ""}`,
    });
  }
  if (incident.escalatedAt !== null) {
    entries.push({
      at: incident.escalatedAt,
      what: incident.escalatedBy
        ? `Escalated by ${incident.escalatedBy}: its escalation channels were alerted`
        : "Escalated: its escalation channels were alerted",
    });
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

/** The channel an alert went to, linked to its page (its settings and every delivery). */
function channelOf(alert: IncidentAlert) {
  return (
    <>
      <a href={`/app/notifications/${alert.channelId}`} class={LINK}>{alert.channelName}</a>
      {` (${kindLabel(alert.channelKind)})`}
    </>
  );
}

/**
 * The reminders delivered to one channel, oldest first. Only the newest of an incident's
 * reminders are kept once they are minutes old, so the last one's number says how many.
 */
function remindersEntry(sent: IncidentAlert[]): Entry {
  const last = sent[sent.length - 1];
  return {
    at: sent[0].createdAt,
    what: last.reminder === 1 ? <>Reminder 1 delivered to {channelOf(last)}</> : (
      <>
        Reminders delivered to {channelOf(last)}, the last (reminder {last.reminder}) at{" "}
        <Time at={last.deliveredAt ?? last.updatedAt} seconds />
      </>
    ),
  };
}

function alertEntry(alert: IncidentAlert, byHand: boolean, alerts: IncidentAlert[]): Entry {
  const message = alert.event === "opened"
    ? "Down alert"
    : alert.event === "reminder"
    ? `Reminder ${alert.reminder}`
    : alert.event === "escalated"
    ? "Escalation"
    : byHand
    ? "Resolved alert"
    : "Recovery alert";
  const to = channelOf(alert);
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
  // A recovery waits for the channel's down alert (or escalation), so nobody hears "up"
  // before "down".
  const waitsForDown = alert.event === "resolved" &&
    alerts.some((other) =>
      other.channelId === alert.channelId &&
      (other.event === "opened" || other.event === "escalated") && other.status === "pending"
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
