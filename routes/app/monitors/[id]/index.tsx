/**
 * `/app/monitors/<id>`: one monitor's state per region, figures and chart for a range,
 * 90 daily bars and its recent checks (live on the first page). Everything is rendered
 * on the server; islands add the chart and the live updates.
 */
import { TagList } from "../../../../components/monitor/tag_list.tsx";
import { quorumText, SettingsSummary } from "../../../../components/monitor/settings_summary.tsx";
import { signal } from "@preact/signals";
import { HttpError, page } from "../../../../fresh/mod.ts";
import { define, type SignedInState } from "../../../../web/define.ts";
import { pageError } from "../../../../web/page_errors.ts";
import { log } from "../../../../lib/logger.ts";
import { formatInterval } from "../../../../lib/time_format.ts";
import {
  displayName,
  getWebsite,
  idInput,
  type MetricsRange,
  RANGES,
  type Website,
  websiteChecks,
  websiteMetrics,
} from "../../../../services/websites/mod.ts";
import type { WebsiteMetrics } from "../../../../services/websites/metrics.ts";
import type { ChecksPage } from "../../../../services/websites/checks.ts";
import { type RegionLatest, websiteRegionRuns } from "../../../../services/websites/region_runs.ts";
import { nextRun } from "../../../../lib/monitor_status.ts";
import type { LiveResult, LiveState } from "../../../../web/live/client.ts";
import { Card, LINK, LinkButton, Notice, PageHeader } from "../../../../components/ui.tsx";
import { RANGE_WORDS, RangeSwitch } from "../../../../components/monitor/range_switch.tsx";
import { MetricTiles } from "../../../../components/monitor/metric_tiles.tsx";
import { DailyBars } from "../../../../components/monitor/daily_bars.tsx";
import { chartData, describeChart } from "../../../../components/monitor/chart_data.ts";
import MonitorStatus, { type RegionView } from "../../../../islands/MonitorStatus.tsx";
import { INCIDENT_NOTICES } from "../../../../web/incident_action_route.ts";
import RecentChecks from "../../../../islands/RecentChecks.tsx";
import ResponseChart from "../../../../islands/ResponseChart.tsx";
import FirstChecksNotice from "../../../../islands/FirstChecksNotice.tsx";
import StatusChangeNotice from "../../../../islands/StatusChangeNotice.tsx";
import { Time } from "../../../../components/time.tsx";
import {
  type CurrentWindow,
  currentWindows,
  maintenanceUntil,
} from "../../../../services/maintenance/current.ts";
import CopyButton from "../../../../islands/CopyButton.tsx";
import { type IncidentPage, listIncidents } from "../../../../services/incidents/mod.ts";
import { IncidentList } from "../../../../components/incidents/incident_list.tsx";
import { describeTarget } from "../../../../components/monitor/describe_target.ts";
import { type WebsiteTimings, websiteTimings } from "../../../../services/websites/timings.ts";
import {
  certificateWarning,
  TimingBreakdown,
} from "../../../../components/monitor/timing_breakdown.tsx";
import { actorOf } from "../../../../services/context.ts";

const CHECKS_PER_PAGE = 25;

interface Data {
  website: Website;
  range: MetricsRange;
  cursor: string | null;
  metrics: WebsiteMetrics | null;
  checks: ChecksPage | null;
  regions: RegionView[];
  incidents: IncidentPage | null;
  timings: WebsiteTimings | null;
  /** Its maintenance in progress or to come, soonest first. */
  maintenance: CurrentWindow[];
  /** What the form the visitor just sent did, from `?notice=`. */
  notice: string | null;
}

/** Said once after a form on this monitor did its work (`?notice=`). */
const NOTICES: Record<string, string> = {
  created: "Monitor added. Its first check runs now.",
  "created-heartbeat": "Monitor added. It is up once your job calls the address below.",
  saved: "Changes saved. The next check uses them.",
  paused: "Monitor paused. No checks run until you resume it.",
  "paused-resolved": "Monitor paused and its incident resolved. No checks run until you resume it.",
  resumed: "Monitor resumed. Checks run again from every region it uses.",
  ...INCIDENT_NOTICES,
};

const INCIDENTS_SHOWN = 5;

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const { services, user } = ctx.state as SignedInState;
    const actor = actorOf(user);
    const id = idInput.safeParse({ id: ctx.params.id });
    if (!id.success) throw new HttpError(404, "Website not found");
    const range = parseRange(ctx.url.searchParams.get("range"));
    const cursor = ctx.url.searchParams.get("cursor");

    const website = await getWebsite(services, actor, id.data.id).catch((error) => {
      throw pageError(error);
    });
    ctx.state.title = displayName(website);

    const [metrics, checks, runs, incidents, timings, maintenance] = await Promise.allSettled([
      websiteMetrics(services, actor, { id: website.id, range }),
      websiteChecks(services, actor, {
        id: website.id,
        limit: CHECKS_PER_PAGE,
        ...(cursor ? { cursor } : {}),
      }),
      websiteRegionRuns(services, actor, { id: website.id }),
      listIncidents(services, actor, { websiteId: website.id }),
      websiteTimings(services, actor, { id: website.id, range }),
      currentWindows(services.readDb, [website.id], Date.now(), 3),
    ]);
    // A bad cursor is the visitor's mistake; a failing store is ours, shown as a notice.
    if (checks.status === "rejected" && pageError(checks.reason) instanceof HttpError) {
      throw pageError(checks.reason);
    }
    const failed = [metrics, checks, runs, incidents, timings, maintenance].filter((o) =>
      o.status === "rejected"
    );
    if (failed.length) {
      log.error("monitor_page.results_failed", { error: failed[0].reason, failed: failed.length });
    }
    const value = <T,>(outcome: PromiseSettledResult<T>) =>
      outcome.status === "fulfilled" ? outcome.value : null;
    return page({
      website,
      range,
      cursor,
      metrics: value(metrics),
      checks: value(checks),
      regions: regionViews(website, value(metrics), value(runs) ?? []),
      incidents: value(incidents),
      timings: value(timings),
      maintenance: value(maintenance) ?? [],
      notice: noticeText(ctx.url.searchParams.get("notice"), website),
    });
  },
});

/** The window in progress (no alerts now), else the next one. */
function MaintenanceNotice(props: { windows: CurrentWindow[]; websiteId: string }) {
  const now = Date.now();
  const window = props.windows.find((w) => w.startsAt <= now) ?? props.windows[0];
  const ongoing = window.startsAt <= now;
  // Back-to-back windows: alerts resume at the end of the last.
  const until = ongoing ? maintenanceUntil(props.windows, props.websiteId, now)! : window.endsAt;
  return (
    <Notice kind="info" class="mb-4">
      <span data-maintenance class="break-words">
        {ongoing ? "Under maintenance until " : "Maintenance scheduled from "}
        {!ongoing && (
          <>
            <Time at={window.startsAt} /> to{" "}
          </>
        )}
        <Time at={until} />: “{window.title}”.{" "}
        {ongoing ? "It sends no alerts until then. " : "It will send no alerts then. "}
        <a href="/app/maintenance" class={LINK}>See maintenance windows</a>
      </span>
    </Notice>
  );
}

function noticeText(notice: string | null, website: Website): string | null {
  if (notice === "created" && website.type === "heartbeat") notice = "created-heartbeat";
  return NOTICES[notice ?? ""] ?? null;
}

function parseRange(value: string | null): MetricsRange {
  if (value === null) return "24h";
  if ((RANGES as readonly string[]).includes(value)) return value as MetricsRange;
  throw new HttpError(400, `range: expected one of ${RANGES.join(", ")}`);
}

/**
 * Each configured region's run (ClickHouse) and latest check (the live status in Redis
 * when it is newer, since the worker writes it after storing the row).
 */
function regionViews(
  website: Website,
  metrics: WebsiteMetrics | null,
  runs: RegionLatest[],
): RegionView[] {
  const names = website.regions.length ? website.regions : runs.map((run) => run.region);
  return names.map((region): RegionView => {
    const stored = runs.find((run) => run.region === region);
    const live = metrics?.regions.find((r) => r.region === region)?.latest ?? null;
    let run = stored ? { region, outcome: stored.outcome, since: stored.since } : null;
    let latest: RegionView["latest"] = stored
      ? {
        outcome: stored.outcome,
        scheduledAt: stored.scheduledAt,
        checkedAt: stored.checkedAt,
        responseMs: stored.responseMs,
        httpStatus: stored.httpStatus,
        degraded: stored.degraded,
      }
      : null;
    if (live && (!latest || live.scheduledAt > latest.scheduledAt)) {
      run = nextRun(run ?? undefined, { region, ...live });
      latest = live;
    }
    return { region, run, latest };
  });
}

export default define.page<typeof handler>(({ data, url, state }) => {
  const { website, metrics, checks, range, cursor } = data;
  const viewer = state.user?.viewer === true;
  const path = `/app/monitors/${website.id}`;
  const base = `${path}/`;
  const feed = signal<LiveResult[]>([]);
  const connection = signal<LiveState | "off">("off");
  const words = RANGE_WORDS[range];
  // A heartbeat's results time nothing: no response times to show.
  const timed = website.type !== "heartbeat";
  const noun = timed ? "check" : "beat";
  const chart = metrics ? chartData(metrics) : null;
  const chartLabel = `Response time by region, median per ${
    metrics ? bucketWords(metrics.bucketMs) : "bucket"
  }, ${words}`;
  const olderHref = checks?.nextCursor
    ? `${path}?range=${range}&cursor=${encodeURIComponent(checks.nextCursor)}#checks`
    : null;
  return (
    <>
      <link rel="stylesheet" href="/assets/uplot.css" />
      <p class="mb-2 text-sm">
        <a href="/app" class={LINK}>← Monitors</a>
      </p>
      <PageHeader
        title={displayName(website)}
        description={<span class="break-all font-mono">{describeTarget(website)}</span>}
        below={<TagList tags={website.tags} of={displayName(website)} class="mt-2" />}
        actions={!viewer && (
          <>
            <LinkButton href={`${base}edit`} variant="secondary">Edit</LinkButton>
            <LinkButton href={`/app/monitors/new?copy=${website.id}`} variant="secondary">
              Duplicate
            </LinkButton>
            {website.active
              ? <LinkButton href={`${base}pause`} variant="secondary">Pause</LinkButton>
              : <LinkButton href={`${base}resume`} variant="secondary">Resume</LinkButton>}
            <LinkButton href={`${base}delete`} variant="danger">Delete</LinkButton>
          </>
        )}
      />

      {data.notice && <Notice kind="success" class="mb-4">{data.notice}</Notice>}
      {certificateWarning(data.timings, website.certExpiryWarnDays) && (
        <Notice kind="warning" class="mb-4">
          <span data-cert-warning>
            {certificateWarning(data.timings, website.certExpiryWarnDays)}
          </span>
        </Notice>
      )}
      {data.maintenance.length > 0 && (
        <MaintenanceNotice windows={data.maintenance} websiteId={website.id} />
      )}
      {website.heartbeat && !viewer && (
        <Notice kind="info" class="mb-4">
          <p>
            Have your job call this address (GET or POST) at least every{" "}
            {formatInterval(website.intervalSeconds)}
            {website.heartbeat.graceSeconds
              ? ` (plus ${formatInterval(website.heartbeat.graceSeconds)} of grace)`
              : ""}. Keep it secret: anyone who has it can report a beat.
          </p>
          <p class="mt-2 flex flex-wrap items-center gap-3">
            <code class="break-all font-mono" data-ping-url>{website.heartbeat.pingUrl}</code>
            <CopyButton text={website.heartbeat.pingUrl} label="heartbeat address" />
          </p>
          <p class="mt-2">
            A run that failed can say so at once: call{" "}
            <code class="break-all font-mono">{website.heartbeat.pingUrl}/fail</code>{" "}
            instead, and POST what went wrong (its first 200 characters are shown as the error).
          </p>
        </Notice>
      )}

      <Card class="p-4 sm:p-6" title="Current status">
        <MonitorStatus
          websiteId={website.id}
          active={website.active}
          intervalSeconds={website.intervalSeconds}
          regions={data.regions}
          feed={feed}
          connection={connection}
          timed={timed}
        />
      </Card>
      <StatusChangeNotice
        feed={feed}
        regions={data.regions.flatMap(({ region, latest }) =>
          latest ? [{ region, outcome: latest.outcome, checkedAt: latest.checkedAt }] : []
        )}
        href={`${path}?range=${range}`}
        noun={noun}
      />

      <section id="incidents" class="mt-8" aria-labelledby="incidents-heading">
        <div class="mb-3 flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="incidents-heading" class="text-lg font-semibold">Incidents</h2>
          {(data.incidents?.incidents.length ?? 0) > INCIDENTS_SHOWN && (
            <a href={`/app/incidents?monitor=${website.id}`} class={LINK}>All incidents</a>
          )}
        </div>
        <Card>
          {data.incidents === null
            ? (
              <Notice kind="error" class="m-4">
                Incidents could not be loaded just now. Reload the page to try again.
              </Notice>
            )
            : data.incidents.incidents.length === 0
            ? (
              <p class="p-4 text-sm text-slate-600 dark:text-slate-400">
                {timed
                  ? `No incidents. One opens when ${
                    quorumWords(website)
                  } ${website.confirmations} check${
                    website.confirmations === 1 ? "" : "s"
                  } in a row.`
                  : `No incidents. One opens when ${website.confirmations} beat${
                    website.confirmations === 1
                      ? " is missed or fails"
                      : "s in a row are missed or fail"
                  }.`}
              </p>
            )
            : (
              <IncidentList
                incidents={data.incidents.incidents.slice(0, INCIDENTS_SHOWN)}
                back={viewer ? null : `${path}#incidents`}
                hideMonitor
              />
            )}
        </Card>
      </section>

      <div class="mt-8 flex flex-wrap items-center justify-between gap-3">
        <h2 class="text-lg font-semibold">Performance, {words}</h2>
        <RangeSwitch current={range} path={url.pathname} />
      </div>
      {metrics && metrics.checks + metrics.maintenance === 0 && (
        <FirstChecksNotice
          feed={feed}
          from={metrics.from}
          href={`${path}?range=${range}`}
          noun={noun}
        />
      )}

      {metrics && chart
        ? (
          <>
            <div class="mt-4">
              <MetricTiles metrics={metrics} rangeWords={words} timed={timed} />
            </div>
            {timed && (
              <Card class="mt-4 p-4 sm:p-6" title="Response time">
                <h3 class="text-sm font-semibold">Response time</h3>
                <p class="mb-3 text-xs text-slate-600 dark:text-slate-400">
                  Median per {bucketWords(metrics.bucketMs)} in each region; shaded: failed checks.
                </p>
                {metrics.checks + metrics.maintenance === 0
                  ? (
                    <p class="py-10 text-center text-sm text-slate-600 dark:text-slate-400">
                      No checks in this range yet.
                    </p>
                  )
                  : (
                    <ResponseChart
                      data={chart}
                      label={chartLabel}
                      describedBy="chart-description"
                    />
                  )}
                {metrics.checks + metrics.maintenance > 0 && (
                  <ul
                    id="chart-description"
                    class="mt-3 space-y-0.5 text-xs text-slate-600 dark:text-slate-400"
                  >
                    {describeChart(chart).map((line) => <li key={line}>{line}</li>)}
                  </ul>
                )}
              </Card>
            )}
            {data.timings && website.type === "http" && (
              <Card class="mt-4 p-4 sm:p-6" title="Timing breakdown">
                <h3 class="text-sm font-semibold">Timing breakdown</h3>
                <p class="mb-3 text-xs text-slate-600 dark:text-slate-400">
                  Where the time of a check goes, {words}, in each region.
                </p>
                <TimingBreakdown timings={data.timings} />
              </Card>
            )}
            <Card class="mt-4 p-4 sm:p-6" title="Daily uptime">
              <h3 class="mb-2 text-sm font-semibold">Daily uptime</h3>
              <DailyBars
                bars={metrics.daily}
                noun={noun}
                incidents={(data.incidents?.incidents ?? []).map((i) => ({
                  id: i.id,
                  startedAt: i.startedAt,
                  resolvedAt: i.resolvedAt,
                }))}
              />
            </Card>
          </>
        )
        : (
          <Notice kind="error" class="mt-4">
            The figures for this monitor could not be loaded just now. Reload the page to try again.
          </Notice>
        )}

      <section id="checks" class="mt-8" aria-labelledby="checks-heading">
        <div class="mb-3 flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="checks-heading" class="text-lg font-semibold">
            {cursor ? `Older ${noun}s` : `Recent ${noun}s`}
          </h2>
          {cursor && <a href={`${path}?range=${range}#checks`} class={LINK}>Newest {noun}s</a>}
        </div>
        <Card>
          {checks
            ? (
              <RecentChecks
                checks={checks.checks}
                feed={cursor ? null : feed}
                timed={timed}
                {...noChecksYet(website, Boolean(cursor))}
              />
            )
            : (
              <Notice kind="error" class="m-4">
                Recent {noun}s could not be loaded just now. Reload the page to try again.
              </Notice>
            )}
        </Card>
        {olderHref && (
          <p class="mt-3 text-right text-sm">
            <a href={olderHref} class={LINK} rel="next">Older {noun}s →</a>
          </p>
        )}
      </section>

      <SettingsSummary website={website} />
    </>
  );
});

/** What the empty list of checks says, by why it is empty. */
function noChecksYet(
  website: Website,
  older: boolean,
): { waitingTitle?: string; waitingText: string } {
  if (older) return { waitingTitle: "No older checks", waitingText: "There are no older checks." };
  if (!website.active) {
    return {
      waitingTitle: "No checks yet",
      waitingText: "Checks are paused: resume the monitor to run them.",
    };
  }
  if (website.type === "heartbeat") {
    return {
      waitingTitle: "Waiting for the first beat",
      waitingText: "Each beat your job sends, and each one it misses, appears here as it happens.",
    };
  }
  return {
    waitingText: `Checks run every ${formatInterval(website.intervalSeconds)} from ${
      website.regions.join(", ")
    }. New checks appear here as they run; reload the page if they do not.`,
  };
}

/** "its region fails", "at least half of its regions fail", … */
function quorumWords(website: Website): string {
  const one = website.regions.length <= 1 || website.quorum === "any";
  return `${quorumText(website)} ${one ? "fails" : "fail"}`;
}

function bucketWords(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 60) return `${minutes} minutes`;
  if (minutes === 60) return "hour";
  if (minutes < 1_440) return `${minutes / 60} hours`;
  return "day";
}
