/**
 * `/app/reports`: every monitor's availability over a period of days in a time zone (the
 * last 30 in UTC unless chosen), with one-click periods, a tag filter and a CSV download.
 * A GET form, so it works without JavaScript and every report has an address to share.
 */
import { page } from "../../../fresh/mod.ts";
import { defineApp } from "../../../web/define.ts";
import { pageError } from "../../../web/page_errors.ts";
import {
  readReportQuery,
  type ReportQuery,
  reportSearch,
  withoutField,
} from "../../../web/report_query.ts";
import {
  type AvailabilityReport,
  availabilityReport,
} from "../../../services/reports/availability.ts";
import { type ReportPeriod, reportPeriods } from "../../../services/reports/periods.ts";
import { DomainError } from "../../../services/errors.ts";
import { actorOf } from "../../../services/context.ts";
import { AvailabilityTable, duration } from "../../../components/reports/availability_table.tsx";
import {
  Button,
  Card,
  describedBy,
  EmptyState,
  Field,
  FOCUS,
  inputClass,
  LINK,
  LinkButton,
  Notice,
  PageHeader,
  Tiles,
} from "../../../components/ui.tsx";
import { formatDate, formatLongDuration } from "../../../lib/time_format.ts";
import { formatUptime } from "../../../lib/uptime.ts";
import { dayIn, timeZoneNames } from "../../../lib/zoned_time.ts";

interface Data extends ReportQuery {
  report: AvailabilityReport | null;
  periods: ReportPeriod[];
  today: string;
  /** Which page of monitors the table shows (`?page=`, from 1). */
  pageNumber: number;
}

/** The table shows this many monitors a page; the figures above it and the CSV cover all. */
export const MONITORS_PER_PAGE = 100;

export const handler = defineApp.handlers<Data>({
  async GET(ctx) {
    ctx.state.title = "Reports";
    const now = Date.now();
    const query = readReportQuery(ctx.url, now);
    const base = {
      ...query,
      periods: reportPeriods(now, query.zone),
      today: dayIn(now, query.zone),
      pageNumber: Math.max(1, Math.floor(Number(ctx.url.searchParams.get("page"))) || 1),
    };
    if (!query.input) return page({ ...base, report: null }, { status: 400 });
    try {
      const report = await availabilityReport(
        ctx.state.services,
        actorOf(ctx.state.user),
        query.input,
        now,
      );
      return page({ ...base, report });
    } catch (error) {
      if (error instanceof DomainError && error.code === "BAD_REQUEST") {
        const field = error.message.startsWith("from:") ? "from" : "to";
        const errors = { [field]: withoutField(error.message) };
        return page({ ...base, errors, report: null }, { status: 400 });
      }
      throw pageError(error);
    }
  },
});

export default defineApp.page<typeof handler>(({ data }) => {
  const { report, values } = data;
  const search = reportSearch(values);
  return (
    <>
      <PageHeader
        title="Reports"
        description="How each monitor did over a period of days, in the time zone you choose: uptime counts every region's checks (not those during maintenance), downtime is how long its incidents were open."
        actions={report && report.monitors.length > 0 && (
          <LinkButton variant="secondary" href={`/app/reports/availability.csv?${search}`} download>
            Download CSV
          </LinkButton>
        )}
      />
      <Periods periods={data.periods} values={values} />
      <PeriodForm data={data} />
      {report && (
        <ReportBody
          report={report}
          today={data.today}
          pageNumber={data.pageNumber}
          search={search}
        />
      )}
    </>
  );
});

function Periods(props: { periods: ReportPeriod[]; values: ReportQuery["values"] }) {
  return (
    <nav aria-label="Periods" class="mb-4">
      <ul class="flex flex-wrap gap-2 text-sm">
        {props.periods.map((period) => {
          const current = period.from === props.values.from && period.to === props.values.to;
          const search = reportSearch({ ...props.values, from: period.from, to: period.to });
          return (
            <li>
              <a
                href={`/app/reports?${search}`}
                aria-current={current ? "page" : undefined}
                class={`block whitespace-nowrap rounded-md border px-3 py-1 font-medium ${FOCUS} ${
                  current
                    ? "border-slate-800 bg-slate-800 text-white dark:border-slate-200 dark:bg-slate-200 dark:text-slate-900"
                    : "border-slate-300 bg-white text-slate-700 hover:bg-slate-100 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-300 dark:hover:bg-slate-700"
                }`}
              >
                {period.label}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function PeriodForm(props: { data: Data }) {
  const { values, errors, today, report } = props.data;
  // The tags to pick from; the one asked for stays a choice when the report could not run.
  const tags = report?.tags ?? (values.tag ? [values.tag] : []);
  return (
    <form
      method="get"
      action="/app/reports"
      class="mb-6 flex flex-wrap items-start gap-4"
      noValidate
    >
      {(["from", "to"] as const).map((field) => (
        <Field
          key={field}
          id={`report-${field}`}
          label={field === "from" ? "From" : "To"}
          error={errors[field]}
        >
          <input
            type="date"
            name={field}
            value={values[field]}
            max={today}
            required
            class={inputClass(errors[field])}
            {...describedBy(`report-${field}`, errors[field])}
          />
        </Field>
      ))}
      <Field id="report-time-zone" label="Time zone" error={errors.timeZone}>
        <select
          name="timeZone"
          class={inputClass(errors.timeZone)}
          {...describedBy("report-time-zone", errors.timeZone)}
        >
          {timeZoneChoices(values.timeZone).map((zone) => (
            <option value={zone} selected={zone === values.timeZone}>{zone}</option>
          ))}
        </select>
      </Field>
      {tags.length > 0 && (
        <Field id="report-tag" label="Tag" error={errors.tag}>
          <select
            name="tag"
            class={inputClass(errors.tag)}
            {...describedBy("report-tag", errors.tag)}
          >
            <option value="">All monitors</option>
            {tags.map((tag) => (
              <option value={tag} selected={tag.toLowerCase() === values.tag.toLowerCase()}>
                {tag}
              </option>
            ))}
          </select>
        </Field>
      )}
      <div class="w-full sm:w-auto sm:pt-6">
        <Button>Show report</Button>
      </div>
    </form>
  );
}

function ReportBody(
  props: {
    report: AvailabilityReport;
    /** The day it is in the report's time zone: a period that reaches it ends now. */
    today: string;
    pageNumber: number;
    search: URLSearchParams;
  },
) {
  const { report } = props;
  // The calendar days as asked, whatever the zone: noon UTC falls on the same date.
  const calendarDay = (day: string) => formatDate(Date.parse(`${day}T12:00:00Z`), "UTC");
  const until = report.to === props.today ? "now" : calendarDay(report.to);
  const title = `${calendarDay(report.from)} to ${until}`;
  if (!report.monitors.length) {
    return report.tag
      ? (
        <EmptyState title={`No monitor tagged “${report.tag}” in this period`}>
          <a
            href={`/app/reports?${
              reportSearch({ from: report.from, to: report.to, timeZone: report.timeZone })
            }`}
            class={LINK}
          >
            Report on every monitor
          </a>
        </EmptyState>
      )
      : (
        <EmptyState
          title="No monitors in this period"
          action={<LinkButton href="/app/monitors/new">Add monitor</LinkButton>}
        >
          A report covers the monitors that existed in its period. Add one, and its checks and
          incidents are counted from then on.
        </EmptyState>
      );
  }
  const { overall } = report;
  const pages = Math.ceil(report.monitors.length / MONITORS_PER_PAGE);
  const pageNumber = Math.min(props.pageNumber, pages);
  const first = (pageNumber - 1) * MONITORS_PER_PAGE;
  const shown = report.monitors.slice(first, first + MONITORS_PER_PAGE);
  const pageHref = (n: number) => {
    const search = new URLSearchParams(props.search);
    if (n > 1) search.set("page", String(n));
    return `/app/reports?${search}`;
  };
  const tiles = [
    {
      label: "Uptime",
      value: formatUptime(overall.uptime),
      note: `${overall.checks.toLocaleString("en")} checks of ${
        report.monitors.length.toLocaleString("en")
      } monitor${report.monitors.length === 1 ? "" : "s"}`,
    },
    {
      label: "Incidents",
      value: overall.incidents.toLocaleString("en"),
      note: `${formatLongDuration(overall.downtimeMs)} of downtime`,
    },
    {
      label: "Mean time to acknowledge",
      value: duration(overall.mttaMs),
      note: "of those acknowledged",
    },
    { label: "Mean time to resolve", value: duration(overall.mttrMs), note: "of those that ended" },
  ];
  return (
    <section aria-labelledby="report-heading">
      {report.startsAt < report.checksKeptFrom && (
        <Notice class="mb-4">
          Checks from before {formatDate(report.checksKeptFrom, report.timeZone)}{" "}
          are no longer kept, so this report's uptime and response times start then; its incidents
          all count.
        </Notice>
      )}
      <h2 id="report-heading" class="mb-3 text-lg font-semibold text-slate-900 dark:text-white">
        {title}{" "}
        <span class="text-sm font-normal text-slate-600 dark:text-slate-400">
          ({report.timeZone})
        </span>
        {report.tag && <span class="text-sm font-normal">, tagged “{report.tag}”</span>}
      </h2>
      <div class="mb-4">
        <Tiles tiles={tiles} />
      </div>
      <Card>
        <AvailabilityTable monitors={shown} />
      </Card>
      {pages > 1 && (
        <nav
          aria-label="Pages of monitors"
          class="mt-4 flex items-center justify-between gap-4 text-sm"
        >
          {pageNumber > 1
            ? <a href={pageHref(pageNumber - 1)} class={LINK} rel="prev">← Previous monitors</a>
            : <span></span>}
          <span class="text-slate-600 dark:text-slate-400">
            Monitors{" "}
            {(first + 1).toLocaleString("en")}–{(first + shown.length).toLocaleString("en")} of{" "}
            {report.monitors.length.toLocaleString("en")}
          </span>
          {pageNumber < pages
            ? <a href={pageHref(pageNumber + 1)} class={LINK} rel="next">Next monitors →</a>
            : <span></span>}
        </nav>
      )}
    </section>
  );
}

/**
 * The zones to report in; one asked for that the list lacks (an alias such as US/Eastern)
 * stays a choice.
 */
function timeZoneChoices(current: string): string[] {
  const zones = timeZoneNames();
  return zones.includes(current) || !current ? zones : [current, ...zones];
}
