/**
 * A monitor's settings in words, at the foot of its page: how and how often it is checked,
 * what counts as up, when an incident opens, and who is told how often, so nobody has to
 * open the form to find out.
 */
import { Fragment } from "preact";
import type { Website } from "../../services/websites/store.ts";
import { formatInterval } from "../../lib/time_format.ts";
import { Card, LINK } from "../ui.tsx";

const TERM = "text-slate-600 dark:text-slate-400";

export function SettingsSummary({ website }: { website: Website }) {
  const rows = settingRows(website);
  return (
    <section id="settings" class="mt-8" aria-labelledby="settings-heading">
      <div class="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="settings-heading" class="text-lg font-semibold">Settings</h2>
        <a href={`/app/monitors/${website.id}/edit`} class={LINK}>Edit settings</a>
      </div>
      <Card class="p-4 sm:p-6">
        <dl class="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
          {rows.map(([term, value]) => (
            <Fragment key={term}>
              <dt class={TERM}>{term}</dt>
              <dd class="min-w-0 [overflow-wrap:anywhere]">{value}</dd>
            </Fragment>
          ))}
        </dl>
      </Card>
    </section>
  );
}

/** [what, how it is set] for each setting that applies to the monitor's type. */
function settingRows(website: Website): [string, string][] {
  const every = formatInterval(website.intervalSeconds);
  const rows: [string, string][] = [];
  if (website.heartbeat) {
    const grace = website.heartbeat.graceSeconds;
    rows.push([
      "Expects",
      `a beat every ${every}${grace ? `, plus ${formatInterval(grace)} of grace` : ""}`,
    ]);
  } else {
    rows.push([
      "Checked",
      `every ${every} from ${website.regions.join(", ")}, each check given ${
        formatInterval(Math.round(website.timeoutMs / 1000))
      }`,
    ]);
    rows.push(["Up when", upWhen(website)]);
  }
  const headerNames = Object.keys(website.headers);
  if (website.headersProblem) {
    rows.push([
      "Request headers",
      `${website.headersProblem}, so its checks are down. List that key in SECRETS_KEY ` +
      "again, or set the headers again under Edit settings",
    ]);
  } else if (headerNames.length) {
    // Their values are often credentials: the edit form shows them, this summary does not.
    rows.push(["Request headers", headerNames.join(", ")]);
  }
  if (website.bodyProblem) {
    rows.push([
      "Request body",
      `${website.bodyProblem}, so its checks are down. List that key in SECRETS_KEY ` +
      "again, or set the body again under Edit settings",
    ]);
  }
  if (website.degradedMs !== null) {
    rows.push(["Degraded when", `slower than ${website.degradedMs.toLocaleString("en")} ms`]);
  }
  if (website.type === "http") {
    rows.push([
      "Certificate warning",
      `${website.certExpiryWarnDays} day${
        website.certExpiryWarnDays === 1 ? "" : "s"
      } before it expires`,
    ]);
  }
  const runs = `${website.confirmations} ${website.heartbeat ? "beat" : "check"}${
    website.confirmations === 1 ? "" : "s"
  }`;
  rows.push([
    "Incident opens",
    website.heartbeat
      ? `after ${runs} missed or failed in a row`
      : `after ${runs} failed in a row in ${quorumText(website)}`,
  ]);
  rows.push(["Alerts go to", channelsText(website.notificationIds)]);
  rows.push([
    "Reminders",
    website.remindEveryMinutes === null
      ? "none: one alert when it goes down, one when it is back"
      : `every ${formatInterval(website.remindEveryMinutes * 60)} until someone acknowledges`,
  ]);
  const { escalation } = website;
  rows.push([
    "Escalation",
    escalation === null
      ? "none"
      : `after ${formatInterval(escalation.afterMinutes * 60)} unacknowledged, to ${
        channelsText(escalation.notificationIds)
      }`,
  ]);
  return rows;
}

function upWhen(website: Website): string {
  if (website.type === "tcp") return "a connection opens";
  if (website.type === "dns") {
    return website.keyword ? `an answer holds “${website.keyword}”` : "the server answers";
  }
  const parts = [
    website.expectedStatus === null
      ? "the answer is 2xx or 3xx"
      : `the answer is ${website.expectedStatus}`,
  ];
  if (website.keyword) parts.push(`contains “${website.keyword}”`);
  if (website.forbiddenKeyword) parts.push(`does not contain “${website.forbiddenKeyword}”`);
  if (website.jsonPath) {
    parts.push(
      website.jsonExpected
        ? `its JSON has “${website.jsonExpected}” at ${website.jsonPath}`
        : `its JSON has a value at ${website.jsonPath} that is not null or false`,
    );
  }
  return parts.join(", ");
}

/** "its region", "any of its regions", "at least half of its regions", "all its regions". */
export function quorumText(website: Website): string {
  if (website.regions.length <= 1) return "its region";
  if (website.quorum === "any") return "any of its regions";
  return website.quorum === "all" ? "all its regions" : "at least half of its regions";
}

function channelsText(ids: string[] | null): string {
  if (ids === null) return "every alert channel of the account, ones added later too";
  if (!ids.length) return "no channel: it alerts nobody";
  return `${ids.length} chosen channel${ids.length === 1 ? "" : "s"}`;
}
