/**
 * Pause, resume or delete the monitors ticked on the list: GET asks (naming each), POST
 * does it and goes back to the list, saying how many.
 */
import { page } from "../../../fresh/mod.ts";
import { defineApp as define } from "../../../web/define.ts";
import { ConfirmPage } from "../../../components/confirm_page.tsx";
import { readForm, seeOther } from "../../../web/forms.ts";
import { type ActionCopy, bulkActionCopy, runBulkAction } from "../../../web/monitor_actions.ts";
import {
  MAX_BULK,
  MONITOR_ACTIONS,
  type MonitorAction,
} from "../../../services/websites/actions.ts";
import { UUID } from "../../../web/monitor_loader.ts";
import { countOngoing } from "../../../services/incidents/list.ts";
import { actorOf } from "../../../services/context.ts";
import { displayName, ownedWebsites } from "../../../services/websites/store.ts";
import { collator } from "../../../services/websites/overview.ts";

interface BulkPage {
  action: MonitorAction;
  copy: ActionCopy;
  monitors: { id: string; name: string }[];
}

/** The action and the monitor ids asked for, or null when either is missing or wrong. */
function readChoice(fields: URLSearchParams): { action: MonitorAction; ids: string[] } | null {
  const action = MONITOR_ACTIONS.find((known) => known === fields.get("action"));
  const ids = [...new Set(fields.getAll("id").filter((id) => UUID.test(id)))];
  return action && ids.length && ids.length <= MAX_BULK ? { action, ids } : null;
}

/** Back to the list, saying why nothing was done. */
function backToList(fields: URLSearchParams): Response {
  const many = fields.getAll("id").length > MAX_BULK;
  return seeOther(`/app?notice=${many ? "too-many-selected" : "none-selected"}`);
}

export const handler = define.handlers<BulkPage>({
  async GET(ctx) {
    const choice = readChoice(ctx.url.searchParams);
    if (!choice) return backToList(ctx.url.searchParams);
    const { services, user } = ctx.state;
    const actor = actorOf(user);
    const rows = await ownedWebsites(services.readDb, actor, choice.ids);
    if (!rows.length) return backToList(ctx.url.searchParams);
    const monitors = rows.map((row) => ({ id: row.id, name: displayName(row) }))
      .sort((a, b) => collator.compare(a.name, b.name));
    // Pausing offers to resolve the incidents of those running and down.
    const ongoing = choice.action === "pause"
      ? await countOngoing(services, actor, rows.filter((row) => row.active).map((row) => row.id))
      : 0;
    const copy = bulkActionCopy(choice.action, monitors.length, ongoing);
    ctx.state.title = copy.title;
    return page({ action: choice.action, copy, monitors });
  },
  async POST(ctx) {
    const form = await readForm(ctx.req);
    const choice = readChoice(form);
    if (!choice) return backToList(form);
    const done = await runBulkAction(
      ctx.state.services,
      actorOf(ctx.state.user),
      choice.ids,
      choice.action,
      form,
    );
    return seeOther(`/app?notice=${choice.action}-selected&count=${done}`);
  },
});

export default define.page<typeof handler>(({ data }) => (
  <ConfirmPage
    copy={data.copy}
    action="/app/monitors/bulk"
    cancelHref="/app"
    hidden={[
      ["action", data.action],
      ...data.monitors.map(({ id }) => ["id", id] as [string, string]),
    ]}
  >
    <ul class="mt-4 max-h-72 list-disc overflow-y-auto pl-5 text-sm text-slate-700 [overflow-wrap:anywhere] dark:text-slate-300">
      {data.monitors.map((monitor) => <li key={monitor.id}>{monitor.name}</li>)}
    </ul>
  </ConfirmPage>
));
