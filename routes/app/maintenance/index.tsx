/**
 * `/app/maintenance`: planned work. While a window lasts its monitors open no incident, so
 * no alert goes out, and their status pages say "Under maintenance"; checks still run.
 */
import { type Context, HttpError, page } from "../../../fresh/mod.ts";
import { defineApp, type SignedInState } from "../../../web/define.ts";
import { type FieldErrors, readForm, seeOther } from "../../../web/forms.ts";
import { pageError } from "../../../web/page_errors.ts";
import {
  EMPTY_VALUES,
  type MaintenanceValues,
  submitMaintenance,
} from "../../../web/maintenance_form.ts";
import { listMaintenances } from "../../../services/maintenance/list.ts";
import { endMaintenance } from "../../../services/maintenance/end.ts";
import { deleteMaintenance } from "../../../services/maintenance/delete.ts";
import { cancelRestOfSeries } from "../../../services/maintenance/cancel_rest.ts";
import { maintenanceIdInput } from "../../../services/maintenance/input.ts";
import { DomainError } from "../../../services/errors.ts";
import type { MaintenanceState, MaintenanceView } from "../../../services/maintenance/windows.ts";
import { listWebsites } from "../../../services/websites/list.ts";
import type { Website } from "../../../services/websites/store.ts";
import { monitorLabel } from "../../../components/status_pages/monitor_label.ts";
import { Time } from "../../../components/time.tsx";
import { MaintenanceFields } from "../../../components/maintenance/fields.tsx";
import {
  Button,
  Card,
  EmptyState,
  LINK,
  LinkButton,
  Notice,
  PageHeader,
} from "../../../components/ui.tsx";
import { actorOf } from "../../../services/context.ts";

interface Data {
  windows: MaintenanceView[];
  websites: Website[];
  values: MaintenanceValues;
  errors: FieldErrors;
  notice: string | null;
}

const NOTICES: Record<string, string> = {
  created: "Maintenance scheduled. Its monitors send no alerts while it lasts.",
  updated: "Maintenance window saved.",
  ended: "Maintenance ended. Its monitors alert again from their next failed checks.",
  deleted: "The maintenance window was deleted.",
  "rest-cancelled": "That window and the later ones of its series were cancelled.",
  "already-ended": "That maintenance window had already ended.",
  "already-started": "That maintenance window had already started, so it was not cancelled.",
  gone: "That maintenance window no longer exists.",
};

async function load(ctx: Context<SignedInState>, extra: Partial<Data> = {}): Promise<Data> {
  const { services } = ctx.state;
  const actor = actorOf(ctx.state.user);
  const [windows, websites] = await Promise.all([
    listMaintenances(services, actor),
    listWebsites(services, actor),
  ]);
  ctx.state.title = "Maintenance";
  return {
    windows,
    websites,
    values: EMPTY_VALUES,
    errors: {},
    notice: NOTICES[ctx.url.searchParams.get("done") ?? ""] ?? null,
    ...extra,
  };
}

export const handler = defineApp.handlers<Data>({
  async GET(ctx) {
    return page(await load(ctx));
  },
  async POST(ctx) {
    const form = await readForm(ctx.req);
    const intent = form.get("intent");
    if (intent === "create") {
      const outcome = await submitMaintenance(ctx, form);
      if ("redirect" in outcome) return outcome.redirect;
      const data = await load(ctx, { values: outcome.values, errors: outcome.errors });
      return page(data, { status: outcome.status });
    }
    if (
      intent !== "end" && intent !== "cancel" && intent !== "delete" && intent !== "cancel-rest"
    ) {
      throw new HttpError(400, "Unknown action");
    }
    const input = maintenanceIdInput.safeParse({ id: form.get("id") });
    if (!input.success) throw new HttpError(400, input.error.issues[0].message);
    const actor = actorOf(ctx.state.user);
    try {
      if (intent === "end") await endMaintenance(ctx.state.services, actor, input.data.id);
      else if (intent === "cancel-rest") {
        await cancelRestOfSeries(ctx.state.services, actor, input.data.id);
      } else {
        await deleteMaintenance(ctx.state.services, actor, input.data.id, {
          onlyScheduled: intent === "cancel",
        });
      }
    } catch (error) {
      // A page left open: the window ended, or was deleted, meanwhile.
      if (!(error instanceof DomainError)) throw error;
      if (error.code === "CONFLICT") {
        return seeOther(
          `/app/maintenance?done=${intent === "end" ? "already-ended" : "already-started"}#notice`,
        );
      }
      if (error.code === "NOT_FOUND") return seeOther("/app/maintenance?done=gone#notice");
      throw pageError(error);
    }
    const done = intent === "end"
      ? "ended"
      : intent === "cancel-rest"
      ? "rest-cancelled"
      : "deleted";
    return seeOther(`/app/maintenance?done=${done}#notice`);
  },
});

const STATE_TEXT: Record<MaintenanceState, string> = {
  "in-progress": "In progress",
  scheduled: "Scheduled",
  completed: "Completed",
};

const STATE_PILL: Record<MaintenanceState, string> = {
  "in-progress": "bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100",
  scheduled: "bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100",
  completed: "bg-slate-100 text-slate-700 dark:bg-slate-700 dark:text-slate-200",
};

function WindowRow(
  // `viewOnly`: a viewer of the team, who changes no window.
  props: { window: MaintenanceView; names: Map<string, Website>; viewOnly: boolean },
) {
  const { window } = props;
  // A monitor deleted since is no longer one of the window's.
  const monitors = window.websiteIds.flatMap((id) => props.names.get(id) ?? [])
    .sort((a, b) => monitorLabel(a).localeCompare(monitorLabel(b)));
  const action = window.state === "in-progress"
    ? { intent: "end", label: "End now", variant: "secondary" as const }
    : window.state === "scheduled"
    ? { intent: "cancel", label: "Cancel maintenance", variant: "secondary" as const }
    : { intent: "delete", label: "Delete", variant: "ghost" as const };
  // Windows of a series share a title: buttons say which one they act on.
  const named = window.series
    ? `${window.title}, ${window.series.index} of ${window.series.size}`
    : window.title;
  return (
    <li class="flex flex-col gap-x-6 gap-y-3 px-4 py-4 sm:flex-row sm:items-start sm:justify-between sm:px-6">
      <div class="min-w-0 flex-1">
        <p class="flex flex-wrap items-baseline gap-x-3 gap-y-1">
          <span class="min-w-0 break-words text-base font-semibold text-slate-900 dark:text-white">
            {window.title}
          </span>
          <span
            class={`rounded-full px-2 py-0.5 text-xs font-semibold ${STATE_PILL[window.state]}`}
          >
            {STATE_TEXT[window.state]}
          </span>
          {window.series && (
            <span class="text-xs text-slate-600 dark:text-slate-400" data-series>
              Every {window.series.every} · {window.series.index} of {window.series.size}
            </span>
          )}
        </p>
        <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
          <Time at={window.startsAt} /> — <Time at={window.endsAt} />
        </p>
        {window.message && (
          <p class="mt-1 whitespace-pre-line break-words text-sm text-slate-700 dark:text-slate-300">
            {window.message}
          </p>
        )}
        <p class="mt-1 break-words text-sm text-slate-600 dark:text-slate-400">
          {monitors.length === 0
            ? "Its monitors were deleted."
            : monitors.length === 1
            ? "Monitor: "
            : "Monitors: "}
          {monitors.map((website, i) => (
            <>
              {i > 0 && ", "}
              <a href={`/app/monitors/${website.id}`} class={LINK}>{monitorLabel(website)}</a>
            </>
          ))}
        </p>
      </div>
      {!props.viewOnly && (
        <div class="flex flex-wrap gap-2">
          {window.state !== "completed" && (
            <LinkButton variant="secondary" href={`/app/maintenance/${window.id}/edit`}>
              Edit
              <span class="sr-only">{` (${named})`}</span>
            </LinkButton>
          )}
          <form method="post" action="/app/maintenance">
            <input type="hidden" name="intent" value={action.intent} />
            <input type="hidden" name="id" value={window.id} />
            <Button variant={action.variant}>
              {action.label}
              <span class="sr-only">{` (${named})`}</span>
            </Button>
          </form>
          {window.state === "scheduled" && window.series &&
            window.series.index < window.series.size && (
            <form method="post" action="/app/maintenance">
              <input type="hidden" name="intent" value="cancel-rest" />
              <input type="hidden" name="id" value={window.id} />
              <Button variant="ghost">
                Cancel this and later
                <span class="sr-only">{` (${named})`}</span>
              </Button>
            </form>
          )}
        </div>
      )}
    </li>
  );
}

export default defineApp.page<typeof handler>(({ data, state }) => {
  const { errors, values } = data;
  const viewer = state.user?.viewer === true;
  const names = new Map(data.websites.map((w) => [w.id, w]));
  return (
    <div class="space-y-8">
      <PageHeader
        title="Maintenance"
        description="Planned work: while a window lasts, its monitors send no alerts and their status pages say “Under maintenance”. Checks still run, but count in no uptime."
        actions={data.windows.length > 0 && !viewer && (
          <LinkButton href="#schedule">Schedule maintenance</LinkButton>
        )}
      />
      {data.notice && <Notice kind="success" id="notice">{data.notice}</Notice>}
      {data.windows.length === 0
        ? (
          <EmptyState
            title="No maintenance scheduled"
            action={!viewer && <LinkButton href="#schedule">Schedule maintenance</LinkButton>}
          >
            Schedule a window before planned work, so that a deploy or a migration does not page
            anyone and your customers see it coming on your status page.
          </EmptyState>
        )
        : (
          <Card title="Maintenance windows">
            <ul class="divide-y divide-slate-200 dark:divide-slate-700">
              {data.windows.map((w) => (
                <WindowRow key={w.id} window={w} names={names} viewOnly={viewer} />
              ))}
            </ul>
          </Card>
        )}

      {!viewer && (
        <Card title="Schedule maintenance" class="p-4 sm:p-6">
          <h2 id="schedule" class="text-lg font-semibold">Schedule maintenance</h2>
          <form method="post" action="/app/maintenance#schedule" class="mt-4 space-y-5">
            <input type="hidden" name="intent" value="create" />
            <MaintenanceFields
              values={values}
              errors={errors}
              websites={data.websites}
              repeatable
            />
            <Button>Schedule maintenance</Button>
          </form>
        </Card>
      )}
    </div>
  );
});
