/** The add and edit monitor pages: a header and the form, in a card. */
import { Notice, PageHeader } from "./ui.tsx";
import MonitorForm from "../islands/MonitorForm.tsx";
import { FORM_METHODS, INTERVAL_PRESETS } from "../web/monitor_form.ts";
import { DNS_RECORD_TYPES } from "../lib/dns_target.ts";
import type { MonitorFormPageData } from "../web/monitor_pages.ts";

export function MonitorFormPage({ data }: { data: MonitorFormPageData }) {
  const id = data.website?.id;
  return (
    <div class="max-w-3xl">
      {data.website ? <PageHeader title={`Edit ${data.website.name}`} /> : data.copyOf
        ? (
          <PageHeader
            title="Add monitor"
            description={`A copy of ${data.copyOf.name}, with all its settings: change what differs, then add it. The original stays as it is.`}
          />
        )
        : (
          <PageHeader
            title="Add monitor"
            description="Check a website, a port or a DNS record from the regions you choose, or have a job report in with heartbeats; you are told when it stops answering as expected."
          />
        )}
      {data.headersProblem && (
        <Notice kind="error" class="mb-4">
          {data.headersProblem}, so its checks are down. Set them again under Request headers and
          save, or list that key in SECRETS_KEY again; saving without them removes them.
        </Notice>
      )}
      {data.bodyProblem && (
        <Notice kind="error" class="mb-4">
          {data.bodyProblem}, so its checks are down. Set it again under Request body and save, or
          list that key in SECRETS_KEY again; saving without it removes it.
        </Notice>
      )}
      <div class="rounded-lg border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-700 dark:bg-slate-800">
        <MonitorForm
          action={id ? `/app/monitors/${id}/edit` : "/app/monitors/new"}
          submitLabel={id ? "Save changes" : "Add monitor"}
          values={data.values}
          errors={data.errors}
          regions={data.regions}
          methods={FORM_METHODS}
          dnsRecordTypes={DNS_RECORD_TYPES}
          presets={INTERVAL_PRESETS}
          minIntervalSeconds={data.minIntervalSeconds}
          channels={data.channels}
          chooseType={!id}
          cancelHref={id
            ? `/app/monitors/${id}`
            : data.copyOf
            ? `/app/monitors/${data.copyOf.id}`
            : "/app"}
        />
      </div>
    </div>
  );
}
