import { page } from "../../../../fresh/mod.ts";
import type { Context } from "../../../../fresh/mod.ts";
import { defineApp as define, type SignedInState } from "../../../../web/define.ts";
import { PageHeader } from "../../../../components/ui.tsx";
import MonitorForm from "../../../../islands/MonitorForm.tsx";
import {
  FORM_METHODS,
  INTERVAL_PRESETS,
  monitorFormFrom,
  type MonitorFormValues,
} from "../../../../web/monitor_form.ts";
import { listChannels } from "../../../../services/notifications/list.ts";
import { submitMonitorForm } from "../../../../web/monitor_pages.ts";
import { loadMonitor } from "../../../../web/monitor_loader.ts";

interface Data {
  id: string;
  name: string;
  values: MonitorFormValues;
  errors: Record<string, string>;
  regions: string[];
  minIntervalSeconds: number;
  channels: { id: string; name: string; kind: string }[];
}

async function data(
  ctx: Context<SignedInState>,
  values?: MonitorFormValues,
  errors = {},
): Promise<Data> {
  const website = await loadMonitor(ctx);
  const { config } = ctx.state.services;
  const name = website.name ?? new URL(website.url).host;
  ctx.state.title = `Edit ${name}`;
  return {
    id: website.id,
    name,
    values: values ?? monitorFormFrom(website),
    errors,
    regions: [...new Set([...config.regions, ...website.regions])],
    minIntervalSeconds: config.minIntervalSeconds,
    channels: (await listChannels(ctx.state.services, { userId: ctx.state.user.id }))
      .map(({ id, name, kind }) => ({ id, name, kind })),
  };
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    return page(await data(ctx));
  },
  async POST(ctx) {
    const c = ctx;
    const website = await loadMonitor(c);
    const outcome = await submitMonitorForm(c, { mode: "update", id: website.id });
    if ("redirect" in outcome) return outcome.redirect;
    return page(await data(c, outcome.values, outcome.errors), { status: outcome.status });
  },
});

export default define.page<typeof handler>(({ data }) => (
  <div class="max-w-3xl">
    <PageHeader title={`Edit ${data.name}`} />
    <div class="rounded-lg border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-700 dark:bg-slate-800">
      <MonitorForm
        action={`/app/monitors/${data.id}/edit`}
        submitLabel="Save changes"
        values={data.values}
        errors={data.errors}
        regions={data.regions}
        methods={FORM_METHODS}
        presets={INTERVAL_PRESETS}
        minIntervalSeconds={data.minIntervalSeconds}
        channels={data.channels}
        chooseType={false}
        cancelHref={`/app/monitors/${data.id}`}
      />
    </div>
  </div>
));
