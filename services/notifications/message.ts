/**
 * What an alert says, written once from an event and rendered by each provider in its
 * own format. Down messages name the monitor, URL, failing/total regions, cause and start
 * time; recovery messages the outage's duration (and who, when a person resolved it by
 * hand); reminders how long it has been down; an escalation that nobody acknowledged it;
 * certificate messages the days left and the day it expires. Incident messages
 * link to the incident's page, the others to the monitor (a test to the channels).
 */
import type {
  AlertEvent,
  CertificateEvent,
  EscalationEvent,
  IncidentEvent,
  ReminderEvent,
} from "../../lib/incident_event.ts";
import { formatLongDuration } from "../../lib/time_format.ts";

export interface Fact {
  label: string;
  value: string;
}

/** The sign chat providers put before a message's title, by its type. */
export const TYPE_ICONS = {
  opened: "🔴",
  reminder: "⏰",
  escalated: "🚨",
  resolved: "✅",
  certificate: "⚠️",
  test: "🔔",
} as const;

export interface Message {
  /** The idempotency key: `<incidentId>:opened|resolved|escalated|reminder:<n>`, `cert:…`, or `test:<uuid>`. */
  eventId: string;
  type: AlertEvent["type"] | "test";
  /** Null for a test message. */
  incidentId: string | null;
  websiteId: string | null;
  websiteName: string;
  url: string;
  failingRegions: string[];
  totalRegions: number;
  cause: IncidentEvent["cause"] | null;
  startedAt: number | null;
  resolvedAt: number | null;
  /** Who resolved it by hand; null when its checks passed again. */
  resolvedBy: string | null;
  durationMs: number | null;
  /** Which reminder of the incident (1, 2, …); null for any other message. */
  reminder: number | null;
  /** A certificate nearing its end: whole days left, and the day (epoch ms) it expires. */
  certificate: { daysLeft: number; expiresAt: number } | null;
  occurredAt: number;
  /** The monitor's page (the channels' page for a test). */
  dashboardUrl: string;
  /** The incident's page; null for a message about no incident. */
  incidentUrl: string | null;
  /** Where a person goes from the message: the incident's page, else `dashboardUrl`. */
  link: string;
  /**
   * A link that acknowledges the incident without signing in (a down alert's, a
   * reminder's or an escalation's, while nobody has): see {@link withAcknowledgeUrl}. Null
   * otherwise.
   */
  acknowledgeUrl: string | null;
  /**
   * "Shop is down", "Shop is still down", "Shop is down and nobody has acknowledged it",
   * "Shop is up again", "Shop: incident resolved by ada@…".
   */
  title: string;
  facts: Fact[];
  /** Title, facts and link as plain text lines. */
  text: string;
}

export function alertMessage(event: AlertEvent, appUrl: string): Message {
  return event.type === "certificate"
    ? certificateMessage(event, appUrl)
    : event.type === "reminder"
    ? reminderMessage(event, appUrl)
    : event.type === "escalated"
    ? escalationMessage(event, appUrl)
    : incidentMessage(event, appUrl);
}

export function incidentMessage(event: IncidentEvent, appUrl: string): Message {
  const parts = incidentParts(event, appUrl);
  const resolved = event.type === "resolved";
  const durationMs = resolved ? (event.resolvedAt ?? event.at) - event.startedAt : null;
  // Resolved by hand, the site may well still be down: say who, not "up again".
  const title = !resolved
    ? `${event.websiteName} is down`
    : event.resolvedBy
    ? `${event.websiteName}: incident resolved by ${event.resolvedBy}`
    : `${event.websiteName} is up again after ${formatLongDuration(durationMs!)}`;
  const facts: Fact[] = [
    { label: "Monitor", value: event.websiteName },
    { label: "URL", value: event.url },
  ];
  if (resolved) {
    facts.push(
      { label: "Down for", value: formatLongDuration(durationMs!) },
      { label: "Started", value: formatTime(event.startedAt) },
      { label: "Resolved", value: formatTime(event.resolvedAt ?? event.at) },
    );
    if (event.resolvedBy) facts.push({ label: "Resolved by", value: event.resolvedBy });
  } else {
    facts.push(
      { label: "Failing regions", value: regionsText(event) },
      { label: "Cause", value: causeText(event.cause) },
      { label: "Started", value: formatTime(event.startedAt) },
    );
  }
  return {
    ...parts,
    type: event.type,
    resolvedAt: event.resolvedAt,
    resolvedBy: event.resolvedBy,
    durationMs,
    reminder: null,
    title,
    facts,
    text: plainText(title, facts, parts.incidentUrl),
  };
}

/** What every message about an incident says of it, and where it links to. */
function incidentParts(event: IncidentEvent | ReminderEvent | EscalationEvent, appUrl: string) {
  const incidentUrl = new URL(`/app/incidents/${event.incidentId}`, appUrl).href;
  return {
    eventId: event.id,
    incidentId: event.incidentId,
    websiteId: event.websiteId,
    websiteName: event.websiteName,
    url: event.url,
    failingRegions: event.failingRegions,
    totalRegions: event.totalRegions,
    cause: event.cause,
    startedAt: event.startedAt,
    certificate: null,
    occurredAt: event.at,
    dashboardUrl: new URL(`/app/monitors/${event.websiteId}`, appUrl).href,
    incidentUrl,
    link: incidentUrl,
    acknowledgeUrl: null,
  };
}

/** What a message about an incident still open says of it, down `durationMs` so far. */
function stillDownFacts(event: ReminderEvent | EscalationEvent, durationMs: number): Fact[] {
  return [
    { label: "Monitor", value: event.websiteName },
    { label: "URL", value: event.url },
    { label: "Down for", value: formatLongDuration(durationMs) },
    { label: "Failing regions", value: regionsText(event) },
    { label: "Cause", value: causeText(event.cause) },
    { label: "Started", value: formatTime(event.startedAt) },
  ];
}

/** The incident is still open and nobody has acknowledged it. */
export function reminderMessage(event: ReminderEvent, appUrl: string): Message {
  const parts = incidentParts(event, appUrl);
  const durationMs = Math.max(0, event.at - event.startedAt);
  const title = `${event.websiteName} is still down after ${formatLongDuration(durationMs)}`;
  const facts: Fact[] = [
    ...stillDownFacts(event, durationMs),
    { label: "Reminder", value: `${event.count} (until someone acknowledges the incident)` },
  ];
  return {
    ...parts,
    type: "reminder",
    resolvedAt: null,
    resolvedBy: null,
    durationMs,
    reminder: event.count,
    title,
    facts,
    text: plainText(title, facts, parts.incidentUrl) +
      "\nAcknowledge it on its page to stop the reminders.",
  };
}

/** Nobody acknowledged the incident in the monitor's escalation time: the next people hear. */
export function escalationMessage(event: EscalationEvent, appUrl: string): Message {
  const parts = incidentParts(event, appUrl);
  const durationMs = Math.max(0, event.at - event.startedAt);
  const title = event.escalatedBy
    ? `${event.websiteName} is down, and ${event.escalatedBy} escalated it`
    : `${event.websiteName} is down and nobody has acknowledged it for ${
      formatLongDuration(event.afterMinutes * 60_000)
    }`;
  const facts: Fact[] = [
    ...stillDownFacts(event, durationMs),
    {
      label: "Escalated",
      value: event.escalatedBy
        ? `by ${event.escalatedBy}`
        : `unacknowledged ${formatLongDuration(event.afterMinutes * 60_000)} after it opened`,
    },
  ];
  return {
    ...parts,
    type: "escalated",
    resolvedAt: null,
    resolvedBy: null,
    durationMs,
    reminder: null,
    title,
    facts,
    text: plainText(title, facts, parts.incidentUrl) +
      "\nAcknowledge it on its page to tell the team someone is on it.",
  };
}

/**
 * The message with a link that acknowledges its incident, also in the text, under the
 * title: where a channel that cuts long texts keeps it.
 */
export function withAcknowledgeUrl(message: Message, url: string): Message {
  const [title, ...rest] = message.text.split("\n");
  return {
    ...message,
    acknowledgeUrl: url,
    text: [title, `Acknowledge: ${url}`, ...rest].join("\n"),
  };
}

/** The incident fields of a message about no incident. */
const NO_INCIDENT = {
  incidentId: null,
  incidentUrl: null,
  failingRegions: [],
  totalRegions: 0,
  cause: null,
  startedAt: null,
  resolvedAt: null,
  resolvedBy: null,
  durationMs: null,
  reminder: null,
  acknowledgeUrl: null,
} as const satisfies Partial<Message>;

export function certificateMessage(event: CertificateEvent, appUrl: string): Message {
  const dashboardUrl = new URL(`/app/monitors/${event.websiteId}`, appUrl).href;
  const days = event.daysLeft;
  const title = days < 0
    ? `${event.websiteName}: the TLS certificate has expired`
    : `${event.websiteName}: the TLS certificate expires in ${days} day${days === 1 ? "" : "s"}`;
  const facts: Fact[] = [
    { label: "Monitor", value: event.websiteName },
    { label: "URL", value: event.url },
    // Worked out from whole days left: the day may be one early.
    { label: "Expires", value: `about ${formatTime(event.expiresAt).slice(0, 10)}` },
    { label: "Days left", value: String(days) },
  ];
  return {
    eventId: event.id,
    type: "certificate",
    ...NO_INCIDENT,
    websiteId: event.websiteId,
    websiteName: event.websiteName,
    url: event.url,
    certificate: { daysLeft: days, expiresAt: event.expiresAt },
    occurredAt: event.at,
    dashboardUrl,
    link: dashboardUrl,
    title,
    facts,
    text: plainText(title, facts, dashboardUrl) + "\nRenew it before it expires.",
  };
}

/** The message a "Send test notification" button sends. */
export function testMessage(channelName: string, appUrl: string, now = Date.now()): Message {
  const dashboardUrl = new URL("/app/notifications", appUrl).href;
  const title = "Test notification from Uptime";
  const facts: Fact[] = [
    { label: "Channel", value: channelName },
    { label: "Sent", value: formatTime(now) },
  ];
  return {
    eventId: `test:${crypto.randomUUID()}`,
    type: "test",
    ...NO_INCIDENT,
    websiteId: null,
    websiteName: "Test",
    url: appUrl,
    certificate: null,
    occurredAt: now,
    dashboardUrl,
    link: dashboardUrl,
    title,
    facts,
    text: plainText(title, facts, dashboardUrl) + "\nAlerts about your monitors arrive like this.",
  };
}

function plainText(title: string, facts: Fact[], link: string): string {
  return [title, ...facts.map((fact) => `${fact.label}: ${fact.value}`), link].join("\n");
}

function regionsText(event: Pick<IncidentEvent, "failingRegions" | "totalRegions">): string {
  const count = `${event.failingRegions.length} of ${event.totalRegions}`;
  return event.failingRegions.length ? `${count} (${event.failingRegions.join(", ")})` : count;
}

function causeText(cause: IncidentEvent["cause"]): string {
  const parts = [cause.errorKind || "down"];
  if (cause.httpStatus) parts.push(`HTTP ${cause.httpStatus}`);
  const kind = parts.join(", ");
  return cause.errorMessage ? `${kind}: ${cause.errorMessage}` : kind;
}

/** "2026-12-01 20:04:05 UTC". */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}
