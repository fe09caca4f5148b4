import { page } from "../../../fresh/mod.ts";
import { defineApp as define, type SignedInState } from "../../../web/define.ts";
import { PageHeader } from "../../../components/ui.tsx";
import MonitorForm from "../../../islands/MonitorForm.tsx";
import {
  blankMonitorForm,
  FORM_METHODS,
  INTERVAL_PRESETS,
  type MonitorFormValues,
} from "../../../web/monitor_form.ts";
import { listChannels } from "../../../services/notifications/list.ts";
import { submitMonitorForm } from "../../../web/monitor_pages.ts";
import type { Context } from "../../../fresh/mod.ts";

interface Data {
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
  const { config } = ctx.state.services;
  ctx.state.title = "Add monitor";
  return {
    values: values ??
      blankMonitorForm(
        config.regions,
        Math.max(60, config.minIntervalSeconds),
        config.checkTimeoutMs,
      ),
    errors,
    regions: config.regions,
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
    const outcome = await submitMonitorForm(c, { mode: "create" });
    if ("redirect" in outcome) return outcome.redirect;
    return page(await data(c, outcome.values, outcome.errors), { status: outcome.status });
  },
});

export default define.page<typeof handler>(({ data }) => (
  <div class="max-w-3xl">
    <PageHeader
      title="Add monitor"
      description="Uptime checks the URL from every region you choose and tells you when it stops answering as expected."
    />
    <div class="rounded-lg border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-700 dark:bg-slate-800">
      <MonitorForm
        action="/app/monitors/new"
        submitLabel="Add monitor"
        values={data.values}
        errors={data.errors}
        regions={data.regions}
        methods={FORM_METHODS}
        presets={INTERVAL_PRESETS}
        minIntervalSeconds={data.minIntervalSeconds}
        channels={data.channels}
        chooseType
        cancelHref="/app"
      />
    </div>
  </div>
));
