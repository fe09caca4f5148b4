import { page } from "../../fresh/mod.ts";
import { defineApp as define } from "../../web/define.ts";
import { EmptyState, LinkButton, Notice, PageHeader } from "../../components/ui.tsx";
import { type Overview, websiteOverview } from "../../services/websites/overview.ts";
import MonitorTable from "../../islands/MonitorTable.tsx";
import { packOverview } from "../../components/monitor/packed_overview.ts";
import { DomainError } from "../../services/errors.ts";
import { z } from "zod";
import { actorOf } from "../../services/context.ts";
import { MAX_BULK } from "../../services/websites/actions.ts";

type ListNotice = { kind: "success" | "warning"; text: string };

const NOTICES: Record<string, ListNotice> = {
  deleted: { kind: "success", text: "The monitor was deleted." },
  "none-selected": {
    kind: "warning",
    text: "Tick the monitors to act on first, then choose what to do with them.",
  },
  "too-many-selected": { kind: "warning", text: `Choose at most ${MAX_BULK} monitors at a time.` },
};
const DONE: Record<string, string> = {
  "pause-selected": "Paused",
  "resume-selected": "Resumed",
  "delete-selected": "Deleted",
};

/** What the list says after an action: one of NOTICES, or what a bulk action did. */
function noticeOf(params: URLSearchParams): ListNotice | null {
  const key = params.get("notice") ?? "";
  const done = DONE[key];
  if (!done) return NOTICES[key] ?? null;
  const count = Number(params.get("count"));
  if (!Number.isInteger(count) || count < 0) return null;
  return { kind: "success", text: `${done} ${count} monitor${count === 1 ? "" : "s"}.` };
}

export const handler = define.handlers({
  async GET(ctx) {
    ctx.state.title = "Monitors";
    const params = ctx.url.searchParams;
    const input = {
      q: params.get("q") ?? undefined,
      status: params.get("status") || undefined,
      sort: params.get("sort") || undefined,
      tag: params.get("tag") || undefined,
      page: params.has("page") ? Number(params.get("page")) : undefined,
    };
    let overview: Overview;
    try {
      overview = await websiteOverview(
        ctx.state.services,
        actorOf(ctx.state.user),
        input as never,
      );
    } catch (error) {
      if (!(error instanceof z.ZodError || error instanceof DomainError)) throw error;
      // A hand-edited address: show everything rather than an error page.
      overview = await websiteOverview(ctx.state.services, actorOf(ctx.state.user), {});
    }
    return page({ overview, notice: noticeOf(params) });
  },
});

export default define.page<typeof handler>(({ data, state }) => (
  <>
    <PageHeader
      title="Monitors"
      actions={
        <>
          {data.overview.counts.all > 0 && (
            <LinkButton href="/app/monitors/export" variant="secondary">
              Export monitors
            </LinkButton>
          )}
          {!state.user?.viewer && (
            <LinkButton href="/app/monitors/import" variant="secondary">
              Import monitors
            </LinkButton>
          )}
          {data.overview.counts.all > 0 && !state.user?.viewer && (
            <LinkButton href="/app/monitors/new">Add monitor</LinkButton>
          )}
        </>
      }
    />
    {data.notice && <Notice kind={data.notice.kind} class="mb-4">{data.notice.text}</Notice>}
    {data.overview.resultsUnavailable && (
      <Notice kind="error" class="mb-4">
        Stored results cannot be read right now, so uptime and recent checks are missing. Live
        status still updates; this page fills in again once the results database answers.
      </Notice>
    )}
    {data.overview.counts.all === 0
      ? (
        <EmptyState
          title="No monitors yet"
          action={<LinkButton href="/app/monitors/new">Add your first monitor</LinkButton>}
        >
          A monitor checks a URL from every region on a schedule, shows you each result as it
          happens, and tells you when the site goes down.
        </EmptyState>
      )
      : (
        <MonitorTable
          overview={packOverview(data.overview)}
          viewOnly={state.user?.viewer === true}
        />
      )}
  </>
));
