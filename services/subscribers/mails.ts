/**
 * What subscribers of a status page are sent: the confirmation of their subscription, and
 * then each incident of the page's monitors (down, back up), each update the owner posts
 * about one, and maintenance of its monitors (scheduled, changed, cancelled). Written as
 * the page tells it: a monitor by its public name, no cause or URL the page does not show.
 * Every mail ends with the way out.
 */
import { formatLongDuration } from "../../lib/time_format.ts";
import { formatUtc } from "../../lib/status_page_style.ts";
import { statusHeading } from "../status_pages/public.ts";

/** Where a page lives: its verified custom domain if it has one, else the app's address. */
export interface PageAddress {
  slug: string;
  title: string;
  hostname: string | null;
}

export interface MailText {
  subject: string;
  body: string;
}

export function pageUrl(appUrl: string, page: PageAddress): string {
  return page.hostname
    ? `https://${page.hostname}/`
    : `${appUrl.replace(/\/+$/, "")}/status/${page.slug}`;
}

/**
 * The page where a subscription is confirmed, changed or ended; also the one-click
 * unsubscribe.
 */
export function subscriptionUrl(appUrl: string, page: PageAddress, token: string): string {
  return `${pageUrl(appUrl, page).replace(/\/$/, "")}/subscription?token=${token}`;
}

/** Subjects are one line: a monitor's name could hold a line break. */
const oneLine = (text: string) => text.replace(/[\r\n]+/g, " ").slice(0, 250);

function withFooter(page: PageAddress, link: string, body: string): string {
  return `${body}\n\n--\nYou receive this because you subscribed to ${
    statusHeading(page.title)
  }.\nManage or end your subscription: ${link}\n`;
}

export function confirmationMail(page: PageAddress, link: string): MailText {
  const heading = statusHeading(page.title);
  return {
    subject: oneLine(`Confirm your subscription to ${heading}`),
    body:
      `Someone, probably you, asked to be told by email about incidents and maintenance on ${heading}.\n\n` +
      `Confirm the subscription: ${link}\n\n` +
      `If it was not you, ignore this mail: nothing is sent to this address unless the ` +
      `subscription is confirmed.\n`,
  };
}

export interface IncidentFacts {
  type: "opened" | "resolved";
  startedAt: number;
  resolvedAt: number | null;
}

export function incidentMail(
  appUrl: string,
  page: PageAddress,
  monitor: string,
  incident: IncidentFacts,
  link: string,
): MailText {
  const follow = `Status page: ${pageUrl(appUrl, page)}`;
  if (incident.type === "opened") {
    return {
      subject: oneLine(`[${page.title}] ${monitor} is down`),
      body: withFooter(
        page,
        link,
        `${monitor} is down since ${formatUtc(incident.startedAt)}.\n\n${follow}`,
      ),
    };
  }
  const end = incident.resolvedAt ?? incident.startedAt;
  return {
    subject: oneLine(`[${page.title}] ${monitor} is back up`),
    body: withFooter(
      page,
      link,
      `${monitor} is back up since ${formatUtc(end)}, after ${
        formatLongDuration(end - incident.startedAt)
      } down.\n\n${follow}`,
    ),
  };
}

/** A maintenance window, and what happened to it. */
export interface MaintenanceFacts {
  kind: "scheduled" | "changed" | "cancelled";
  title: string;
  message: string;
  startsAt: number;
  endsAt: number;
  /** A repeating window: how often and how many times (as scheduled). */
  repeat: { every: "day" | "week"; times: number } | null;
  /** Cancelled with the later windows of its series. */
  withLater?: boolean;
}

const SUBJECTS: Record<MaintenanceFacts["kind"], string> = {
  scheduled: "Scheduled maintenance",
  changed: "Maintenance rescheduled",
  cancelled: "Maintenance cancelled",
};

/** `monitors`: those of the window's monitors the page shows, named and ordered as it does. */
export function maintenanceMail(
  appUrl: string,
  page: PageAddress,
  monitors: string[],
  window: MaintenanceFacts,
  link: string,
  now = Date.now(),
): MailText {
  const span = `${formatUtc(window.startsAt)} to ${formatUtc(window.endsAt)} (${
    formatLongDuration(window.endsAt - window.startsAt)
  })`;
  const affects = monitors.length === 1
    ? monitors[0]
    : `${monitors.slice(0, -1).join(", ")} and ${monitors.at(-1)}`;
  const subject = window.kind === "scheduled" && window.startsAt <= now
    ? "Maintenance under way"
    : SUBJECTS[window.kind];
  const lines = window.kind === "cancelled"
    ? [
      `The maintenance "${window.title}" planned from ${span}${
        window.withLater ? ", and its later repeats," : ""
      } is cancelled.`,
    ]
    : [
      window.title,
      "",
      `${window.kind === "changed" ? "Now from" : "From"} ${span}.`,
      ...(window.repeat
        ? [`It repeats every ${window.repeat.every}, ${window.repeat.times} times in all.`]
        : []),
      `Affects: ${affects}.`,
      ...(window.message ? ["", window.message] : []),
    ];
  return {
    subject: oneLine(`[${page.title}] ${subject}: ${window.title}`),
    body: withFooter(
      page,
      link,
      `${lines.join("\n")}\n\nStatus page: ${pageUrl(appUrl, page)}`,
    ),
  };
}

export function updateMail(
  appUrl: string,
  page: PageAddress,
  monitor: string,
  update: { statusWord: string; message: string; createdAt: number },
  link: string,
): MailText {
  return {
    subject: oneLine(`[${page.title}] ${update.statusWord}: ${monitor}`),
    body: withFooter(
      page,
      link,
      `${update.statusWord} (${formatUtc(update.createdAt)}), about ${monitor}:\n\n` +
        `${update.message}\n\nStatus page: ${pageUrl(appUrl, page)}`,
    ),
  };
}
