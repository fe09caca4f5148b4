/** `/app/incidents`: every incident of the account's monitors, newest first, paged. */
import { HttpError, page } from "../../../fresh/mod.ts";
import { defineApp } from "../../../web/define.ts";
import { pageError } from "../../../web/page_errors.ts";
import {
  type IncidentPage,
  listIncidents,
  listIncidentsInput,
} from "../../../services/incidents/mod.ts";
import { IncidentList } from "../../../components/incidents/incident_list.tsx";
import { Card, EmptyState, LINK, Notice, PageHeader } from "../../../components/ui.tsx";
import { INCIDENT_NOTICES } from "../../../web/incident_action_route.ts";
import { actorOf } from "../../../services/context.ts";

interface Data {
  page: IncidentPage;
  cursor: string | null;
  /** Set when the list shows one monitor's incidents (`?monitor=<id>`). */
  monitor: string | null;
  /** What a button just did, from `?notice=`. */
  notice: string | null;
}

export const handler = defineApp.handlers<Data>({
  async GET(ctx) {
    ctx.state.title = "Incidents";
    const cursor = ctx.url.searchParams.get("cursor");
    const monitor = ctx.url.searchParams.get("monitor");
    const input = listIncidentsInput.safeParse({
      ...(cursor ? { cursor } : {}),
      ...(monitor ? { websiteId: monitor } : {}),
    });
    if (!input.success) throw new HttpError(400, input.error.issues[0].message);
    const result = await listIncidents(
      ctx.state.services,
      actorOf(ctx.state.user),
      input.data,
    )
      .catch((error) => {
        throw pageError(error);
      });
    const notice = INCIDENT_NOTICES[ctx.url.searchParams.get("notice") ?? ""] ?? null;
    return page({ page: result, cursor, monitor, notice });
  },
});

export default defineApp.page<typeof handler>(({ data, url, state }) => {
  const { incidents, nextCursor } = data.page;
  const back = `${url.pathname}${url.search}`;
  const base = data.monitor ? `/app/incidents?monitor=${data.monitor}` : "/app/incidents";
  const monitorName = data.monitor ? data.page.incidents[0]?.websiteName : undefined;
  return (
    <>
      {data.monitor && (
        <p class="mb-2 text-sm">
          <a href={`/app/monitors/${data.monitor}`} class={LINK}>← {monitorName ?? "Monitor"}</a>
          {" · "}
          <a href="/app/incidents" class={LINK}>All monitors' incidents</a>
        </p>
      )}
      <PageHeader
        title={monitorName ? `Incidents of ${monitorName}` : "Incidents"}
        description="An incident opens when enough regions of a monitor fail its confirmations, and resolves when they recover or when you resolve it."
      />
      {data.notice && <Notice kind="success" class="mb-4">{data.notice}</Notice>}
      {incidents.length === 0
        ? (
          <EmptyState title={data.cursor ? "No older incidents" : "No incidents yet"}>
            {data.cursor
              ? "That was the oldest one."
              : "When a monitor goes down, its incident appears here, with when it started, the regions affected and the cause."}
          </EmptyState>
        )
        : (
          <Card>
            <IncidentList incidents={incidents} back={state.user?.viewer ? null : back} />
          </Card>
        )}
      <p class="mt-4 flex justify-between text-sm">
        {data.cursor ? <a href={base} class={LINK}>Newest incidents</a> : <span></span>}
        {nextCursor && (
          <a
            href={`/app/incidents?cursor=${encodeURIComponent(nextCursor)}`}
            class={LINK}
            rel="next"
          >
            Older incidents →
          </a>
        )}
      </p>
    </>
  );
});
