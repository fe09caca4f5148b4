/**
 * A status page's custom domains in the editor: the form to add one, and per domain
 * the DNS records to create (selectable text, copy buttons once JavaScript runs), the
 * certificate and verification state, "Verify domain" and "Remove domain" (confirmed).
 */
import type { EditorDomain } from "../../web/status_page_editor.ts";
import type { DnsRecord } from "../../services/status_domains/dns.ts";
import CopyButton from "../../islands/CopyButton.tsx";
import { type DisplayStatus, StatusBadge } from "../status.tsx";
import { Time } from "../time.tsx";
import { Button, describedBy, Field, inputClass, LinkButton, Notice } from "../ui.tsx";

const CERTIFICATE: Record<EditorDomain["certificateState"], [DisplayStatus, string]> = {
  issued: ["up", "Certificate issued"],
  pending: ["pending", "Certificate pending"],
  failed: ["down", "Certificate failed"],
  manual: ["nodata", "Certificate: not automatic here"],
};

const PURPOSE: Record<DnsRecord["purpose"], string> = {
  traffic: "Points the domain at this app",
  "traffic-apex": "For an apex domain, instead of the CNAME",
  "acme-challenge": "Lets the certificate be issued",
  ownership: "Proves the domain is yours",
};

export function AddDomainForm(
  props: { pageId: string; hostname?: string; error?: string; formError?: string },
) {
  return (
    <form
      method="post"
      action={`/app/status-pages/${props.pageId}#domains`}
      class="flex flex-col gap-3 sm:flex-row sm:items-start"
    >
      <input type="hidden" name="intent" value="add-domain" />
      <Field
        id="hostname"
        label="Hostname"
        error={props.error}
        hint="A name you control, such as status.example.com."
        class="flex-1"
      >
        <input
          {...describedBy("hostname", props.error, true)}
          name="hostname"
          type="text"
          inputMode="url"
          autoCapitalize="none"
          spellcheck={false}
          required
          maxLength={253}
          placeholder="status.example.com"
          value={props.hostname ?? ""}
          class={inputClass(props.error)}
        />
      </Field>
      <Button class="sm:mt-6">Add domain</Button>
    </form>
  );
}

function RecordValue(props: { label: string; text: string; copyLabel: string }) {
  return (
    <div class="min-w-0">
      <dt class="text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">
        {props.label}
      </dt>
      <dd class="mt-0.5 flex items-start gap-2">
        <code class="min-w-0 flex-1 select-all break-all rounded bg-slate-100 px-2 py-1 font-mono text-xs text-slate-900 dark:bg-slate-900 dark:text-slate-100">
          {props.text}
        </code>
        <CopyButton text={props.text} label={props.copyLabel} />
      </dd>
    </div>
  );
}

function DnsRecords(props: { domain: EditorDomain }) {
  const { records, note } = props.domain.dns;
  return (
    <div class="mt-4">
      <h4 class="text-sm font-semibold">DNS records to create</h4>
      <ul class="mt-2 space-y-3" aria-label={`DNS records for ${props.domain.hostname}`}>
        {records.map((record) => (
          <li
            key={`${record.type} ${record.name} ${record.value}`}
            class="rounded-md border border-slate-200 p-3 dark:border-slate-700"
            data-record-type={record.type}
          >
            <p class="flex flex-wrap items-center gap-2 text-sm">
              <span class="rounded bg-slate-800 px-1.5 py-0.5 font-mono text-xs font-semibold text-white dark:bg-slate-200 dark:text-slate-900">
                {record.type}
              </span>
              <span class="text-slate-600 dark:text-slate-400">{PURPOSE[record.purpose]}</span>
            </p>
            <dl class="mt-2 grid gap-2 md:grid-cols-2">
              <RecordValue
                label="Name"
                text={record.name}
                copyLabel={`${record.type} record name`}
              />
              <RecordValue
                label="Value"
                text={record.value}
                copyLabel={`${record.type} record value`}
              />
            </dl>
          </li>
        ))}
      </ul>
      <p class="mt-2 text-xs text-slate-600 dark:text-slate-400">{note}</p>
    </div>
  );
}

export function DomainItem(
  props: { domain: EditorDomain; pageId: string; confirmRemove: boolean; error?: string },
) {
  const { domain, pageId } = props;
  const [status, label] = CERTIFICATE[domain.certificateState];
  const action = `/app/status-pages/${pageId}`;
  return (
    <li
      id={`domain-${domain.id}`}
      class="rounded-lg border border-slate-200 p-4 dark:border-slate-700"
      data-hostname={domain.hostname}
    >
      <div class="flex flex-wrap items-start justify-between gap-2">
        <h3 class="min-w-0 break-all font-mono text-base font-semibold">{domain.hostname}</h3>
        <div class="flex flex-wrap gap-2">
          {domain.verified !== null && (
            <StatusBadge
              status={domain.verified ? "up" : "pending"}
              label={domain.verified ? "DNS verified" : "DNS not verified yet"}
            />
          )}
          <StatusBadge status={status} label={label} />
        </div>
      </div>
      <p class="mt-1 text-xs text-slate-600 dark:text-slate-400">
        {domain.lastCheckedAt
          ? (
            <>
              Last checked <Time at={domain.lastCheckedAt} relative />
            </>
          )
          : "Not checked yet"}
      </p>
      {props.error && <Notice kind="error" class="mt-3">{props.error}</Notice>}
      {domain.problems.length > 0 && (
        <Notice kind="error" class="mt-3">
          <p class="font-medium">
            {domain.verified ? "What stands in the way of its certificate:" : "Not verified yet:"}
          </p>
          <ul class="ml-4 mt-1 list-disc">
            {domain.problems.map((problem) => (
              <li key={problem} class="[overflow-wrap:anywhere]">{problem}</li>
            ))}
          </ul>
        </Notice>
      )}
      <DnsRecords domain={domain} />
      {props.confirmRemove
        ? (
          <div class="mt-4 rounded-md border border-rose-300 p-3 dark:border-rose-800">
            <p class="text-sm font-medium">
              Remove{" "}
              <span class="break-all font-mono">{domain.hostname}</span>? The page stops answering
              there{domain.certificateState === "manual" ? "." : " and its certificate is deleted."}
            </p>
            <form method="post" action={action} class="mt-3 flex flex-wrap gap-2">
              <input type="hidden" name="intent" value="remove-domain" />
              <input type="hidden" name="domainId" value={domain.id} />
              <Button variant="danger">Yes, remove domain</Button>
              <LinkButton href={`${action}#domain-${domain.id}`} variant="secondary">
                Cancel
              </LinkButton>
            </form>
          </div>
        )
        : (
          <div class="mt-4 flex flex-wrap gap-2">
            <form method="post" action={`${action}#domain-${domain.id}`}>
              <input type="hidden" name="intent" value="verify-domain" />
              <input type="hidden" name="domainId" value={domain.id} />
              <Button variant="secondary">
                Verify domain<span class="sr-only">{` ${domain.hostname}`}</span>
              </Button>
            </form>
            <LinkButton
              href={`${action}?confirm=remove:${domain.id}#domain-${domain.id}`}
              variant="ghost"
            >
              Remove domain<span class="sr-only">{` ${domain.hostname}`}</span>
            </LinkButton>
          </div>
        )}
    </li>
  );
}
