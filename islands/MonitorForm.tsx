/**
 * The add/edit monitor form. Without JavaScript it is a plain form: "Add header" and
 * "Remove" post it back and the server answers with one row more or less. Hydrated, the
 * rows change in place, the custom interval shows only when chosen, and the URL is
 * checked as it is typed.
 */
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import {
  Button,
  buttonClass,
  describedBy,
  Field,
  FieldError,
  INPUT,
  inputClass,
  Notice,
} from "../components/ui.tsx";
import type { MonitorFormValues } from "../web/monitor_form.ts";
import { formatInterval } from "../lib/time_format.ts";
import { readTcpTarget } from "../lib/tcp_target.ts";
import { portProblem } from "../lib/port_policy.ts";

interface Props {
  /** Whether the type can be chosen: when adding; a monitor keeps its type. */
  chooseType: boolean;
  /** The record types a DNS monitor can ask for. */
  dnsRecordTypes: readonly string[];
  /** The account's alert channels to choose from. */
  channels: { id: string; name: string; kind: string }[];
  action: string;
  submitLabel: string;
  values: MonitorFormValues;
  errors: Record<string, string>;
  regions: string[];
  methods: readonly string[];
  presets: readonly number[];
  minIntervalSeconds: number;
  cancelHref: string;
}

const PRESET_LABEL: Record<number, string> = {
  30: "Every 30 seconds",
  60: "Every minute",
  180: "Every 3 minutes",
  300: "Every 5 minutes",
  600: "Every 10 minutes",
};

function urlProblem(value: string, type: string): string | null {
  if (type === "heartbeat" || type === "dns") return null;
  if (!value.trim()) return "Enter the URL to check";
  if (type === "tcp") {
    const target = readTcpTarget(value);
    if (!target) return "Enter a host and port such as db.example.com:5432";
    return portProblem(target.port);
  }
  try {
    const url = new URL(value.trim());
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      return "Use an http:// or https:// address";
    }
  } catch {
    return "Enter a full address such as https://example.com";
  }
  return null;
}

/** Each field's label, also naming it in the list of problems above the form. */
const LABELS = {
  type: "Monitor type",
  url: "URL",
  name: "Name",
  tags: "Tags",
  method: "Method",
  expected_status: "Expected status",
  keyword: "Keyword",
  forbidden_keyword: "Must not contain",
  json_path: "JSON path",
  json_expected: "Expected JSON value",
  degraded_ms: "Degraded after (ms)",
  cert_expiry_warn_days: "Certificate warning (days)",
  body: "Request body",
  interval: "Check interval",
  interval_custom: "Custom interval (seconds)",
  timeout: "Timeout (seconds)",
  heartbeat_grace: "Grace time (seconds)",
  dns_name: "Name to look up",
  dns_type: "Record type",
  dns_server: "DNS server",
  dns_expected: "Expected answer",
  confirmations: "Confirmations",
  quorum: "Down when",
  remind_every: "Reminders",
  escalate_after: "Escalate after",
  headers: "Headers",
  regions: "Regions",
  notificationIds: "Notifications",
} as const;

/** Fields that are groups of inputs: a problem with one links to its message. */
const GROUPS = new Set<string>(["headers", "regions", "notificationIds"]);

/** The controlled text fields: their key in the form's state and their input's name. */
const BOUND_FIELDS = {
  url: "url",
  name: "name",
  tags: "tags",
  body: "body",
  intervalCustom: "interval_custom",
  timeout: "timeout",
  expectedStatus: "expected_status",
  keyword: "keyword",
  forbiddenKeyword: "forbidden_keyword",
  jsonPath: "json_path",
  jsonExpected: "json_expected",
  degradedMs: "degraded_ms",
  certExpiryWarnDays: "cert_expiry_warn_days",
  confirmations: "confirmations",
  heartbeatGrace: "heartbeat_grace",
  dnsName: "dns_name",
  dnsServer: "dns_server",
  dnsExpected: "dns_expected",
} as const;
type Bound = keyof typeof BOUND_FIELDS;

export default function MonitorForm(props: Props) {
  const [hydrated, setHydrated] = useState(false);
  const [headers, setHeaders] = useState(
    props.values.headers.length ? props.values.headers : [{ name: "", value: "" }],
  );
  // A row added or removed moves focus to a name field, not back to the page's start: in
  // the same turn as the render, not after the next paint (keys pressed meanwhile go there).
  const focusAfterRender = useRef<string | null>(null);
  useLayoutEffect(() => {
    if (focusAfterRender.current) document.getElementById(focusAfterRender.current)?.focus();
    focusAfterRender.current = null;
  }, [headers]);
  const [interval, chooseInterval] = useState(props.values.interval);
  const [errors, setErrors] = useState<Record<string, string | null>>(props.errors);
  // Controlled fields: a re-render (a row added, an error shown) keeps what was typed.
  const [form, setForm] = useState(props.values);
  const bind = (key: Bound) => ({
    value: form[key],
    onInput: (e: Event) => {
      const value = (e.currentTarget as HTMLInputElement).value;
      setForm((f) => ({ ...f, [key]: value }));
    },
  });
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    setHydrated(true);
    // What was typed before the script arrived is in the DOM, not in the server's props.
    const el = formRef.current;
    if (!el) return;
    const text = (n: string) => (el.elements.namedItem(n) as HTMLInputElement | null)?.value;
    setForm((f) => ({
      ...f,
      ...Object.fromEntries(
        Object.entries(BOUND_FIELDS).map(([key, name]) => [key, text(name) ?? f[key as Bound]]),
      ),
      method: text("method") ?? f.method,
      type: text("type") ?? f.type,
      dnsType: text("dns_type") ?? f.dnsType,
      regions: [...el.querySelectorAll<HTMLInputElement>("input[name=regions]")]
        .filter((box) => box.checked).map((box) => box.value),
    }));
    chooseInterval((current) => text("interval") ?? current);
    const all = (n: string) =>
      [...el.querySelectorAll<HTMLInputElement>(`input[name=${n}]`)].map((i) => i.value);
    const values = all("header_value");
    const names = all("header_name");
    if (names.length) setHeaders(names.map((name, i) => ({ name, value: values[i] ?? "" })));
  }, []);

  const v = form;
  const presets = props.presets.filter((s) => s >= props.minIntervalSeconds);
  const showCustom = !hydrated || interval === "custom";
  const formError = errors.form;
  const placed = Object.entries(errors).filter(([k, m]) => m && k in LABELS) as [
    keyof typeof LABELS,
    string,
  ][];
  const unplaced = Object.entries(errors).filter(([k, m]) => m && k !== "form" && !(k in LABELS));

  // What the chosen type uses (every field shows until the script runs; the server
  // ignores the HTTP ones for the other types).
  const http = !hydrated || v.type === "http";
  const checked = !hydrated || v.type !== "heartbeat";
  return (
    <form
      ref={formRef}
      method="post"
      action={props.action}
      class="relative flex flex-col gap-8"
      noValidate
      onSubmit={(event) => {
        const el = event.currentTarget as HTMLFormElement;
        const submitter = (event as SubmitEvent).submitter as HTMLButtonElement | null;
        if (submitter?.name) return;
        const input = el.elements.namedItem("url") as HTMLInputElement | null;
        const problem = input ? urlProblem(input.value, v.type) : null;
        const custom = el.elements.namedItem("interval_custom") as HTMLInputElement | null;
        const tooOften = interval === "custom" && custom &&
            !(Number(custom.value) >= props.minIntervalSeconds)
          ? `At least ${props.minIntervalSeconds} seconds`
          : null;
        if (problem || tooOften) {
          event.preventDefault();
          setErrors((e) => ({ ...e, url: problem, interval_custom: tooOften }));
          (problem ? input : custom)?.focus();
        }
      }}
    >
      {
        /* Enter in a field presses the form's first submit button: make that one "save" (out of
      the flow, so the gap does not count it). */
      }
      <button type="submit" tabIndex={-1} aria-hidden="true" class="absolute -left-[9999px]">
        {props.submitLabel}
      </button>
      {(formError || unplaced.length > 0) && (
        <Notice kind="error">
          {formError ?? unplaced.map(([, m]) => m).join(" ")}
        </Notice>
      )}
      {placed.length > 0 && (
        // Focused as the page loads: a refused form says so where the reader is.
        <div tabIndex={-1} autofocus class={`rounded-md ${FOCUS_RING}`}>
          <Notice kind="error">
            <p class="font-medium">
              {placed.length === 1 ? "One field needs" : `${placed.length} fields need`}{" "}
              a change before this can be saved:
            </p>
            <ul class="mt-1 list-disc pl-5">
              {placed.map(([id, message]) => (
                <li key={id}>
                  <a href={`#${id}${GROUPS.has(id) ? "-error" : ""}`} class="underline">
                    {LABELS[id]}
                  </a>: {message}
                </li>
              ))}
            </ul>
          </Notice>
        </div>
      )}
      <fieldset class="min-w-0 space-y-5">
        <legend class="text-base font-semibold">What to check</legend>
        {props.chooseType
          ? (
            <Field
              id="type"
              label={LABELS.type}
              error={errors.type}
              hint="HTTP fetches a URL; TCP opens a connection to host:port; DNS asks a DNS server for a record; Heartbeat waits for your job to call us."
            >
              <select
                {...describedBy("type", errors.type, true)}
                name="type"
                class={inputClass(errors.type)}
                onChange={(e) => {
                  const type = (e.currentTarget as HTMLSelectElement).value;
                  setForm((f) => ({ ...f, type }));
                  // What the URL must look like depends on the type: judge it again on blur.
                  setErrors((e) => ({ ...e, url: null }));
                }}
              >
                <option value="http" selected={v.type === "http"}>HTTP(S)</option>
                <option value="tcp" selected={v.type === "tcp"}>TCP port</option>
                <option value="dns" selected={v.type === "dns"}>DNS record</option>
                <option value="heartbeat" selected={v.type === "heartbeat"}>
                  Heartbeat (cron jobs, backups)
                </option>
              </select>
            </Field>
          )
          : <input type="hidden" name="type" value={v.type} />}
        {(!hydrated || (v.type !== "heartbeat" && v.type !== "dns")) && (
          <Field
            id="url"
            label={LABELS.url}
            error={errors.url}
            hint={v.type === "tcp"
              ? "The host and port, as tcp://host:port."
              : v.type === "heartbeat"
              ? "Not used by heartbeat monitors: your job calls the address shown once it is added."
              : v.type === "dns"
              ? "Not used by DNS monitors: they ask about the name below."
              : "The full address, with https://."}
          >
            <input
              {...describedBy("url", errors.url, true)}
              name="url"
              type="url"
              inputMode="url"
              required
              autoFocus={!v.url}
              {...bind("url")}
              placeholder={v.type === "tcp"
                ? "tcp://db.example.com:5432"
                : "https://example.com/health"}
              class={inputClass(errors.url)}
              onBlur={(e) => {
                // Chromium blurs a focused field it removes: a type that has no URL.
                const input = e.currentTarget as HTMLInputElement;
                const chosen = formRef.current?.elements.namedItem("type") as
                  | HTMLSelectElement
                  | null;
                const type = chosen?.value ?? v.type;
                setErrors((x) => ({ ...x, url: urlProblem(input.value, type) }));
              }}
            />
          </Field>
        )}
        <Field
          id="name"
          label={LABELS.name}
          error={errors.name}
          hint={v.type === "dns"
            ? "Shown in lists and alerts; the name looked up when empty."
            : checked
            ? "Shown in lists and alerts; the host when empty."
            : "Shown in lists and alerts; “Heartbeat” when empty."}
        >
          <input
            {...describedBy("name", errors.name, true)}
            name="name"
            type="text"
            maxLength={100}
            {...bind("name")}
            class={inputClass(errors.name)}
          />
        </Field>
        <Field
          id="tags"
          label={LABELS.tags}
          error={errors.tags}
          hint="Optional: labels to group and filter monitors by, separated by commas (production, eu)."
        >
          <input
            {...describedBy("tags", errors.tags, true)}
            name="tags"
            type="text"
            autoComplete="off"
            maxLength={400}
            {...bind("tags")}
            placeholder="production, eu"
            class={inputClass(errors.tags)}
          />
        </Field>
        {(!hydrated || v.type === "dns") && (
          <div class="grid gap-5 sm:grid-cols-2">
            <Field
              id="dns_name"
              label={LABELS.dns_name}
              error={errors.dns_name}
              hint={hydrated ? "A domain name, such as example.com." : "DNS monitors only."}
            >
              <input
                {...describedBy("dns_name", errors.dns_name, true)}
                name="dns_name"
                type="text"
                autoComplete="off"
                spellcheck={false}
                maxLength={253}
                {...bind("dnsName")}
                placeholder="example.com"
                class={inputClass(errors.dns_name)}
              />
            </Field>
            <Field id="dns_type" label={LABELS.dns_type} error={errors.dns_type}>
              <select
                {...describedBy("dns_type", errors.dns_type)}
                name="dns_type"
                class={inputClass(errors.dns_type)}
                onChange={(e) => {
                  const dnsType = (e.currentTarget as HTMLSelectElement).value;
                  setForm((f) => ({ ...f, dnsType }));
                }}
              >
                {props.dnsRecordTypes.map((t) => (
                  <option key={t} value={t} selected={v.dnsType === t}>{t}</option>
                ))}
              </select>
            </Field>
            <Field
              id="dns_server"
              label={LABELS.dns_server}
              error={errors.dns_server}
              hint="The server asked, by IP address (a port after a colon); 1.1.1.1 when empty."
            >
              <input
                {...describedBy("dns_server", errors.dns_server, true)}
                name="dns_server"
                type="text"
                autoComplete="off"
                spellcheck={false}
                maxLength={64}
                {...bind("dnsServer")}
                class={inputClass(errors.dns_server)}
              />
            </Field>
            <Field
              id="dns_expected"
              label={LABELS.dns_expected}
              error={errors.dns_expected}
              hint={v.dnsType === "A" || v.dnsType === "AAAA"
                ? "Optional: down unless one of the addresses is this one."
                : "Optional: down unless an answer contains this text, as dig +short prints it."}
            >
              <input
                {...describedBy("dns_expected", errors.dns_expected, true)}
                name="dns_expected"
                type="text"
                autoComplete="off"
                spellcheck={false}
                maxLength={256}
                {...bind("dnsExpected")}
                class={inputClass(errors.dns_expected)}
              />
            </Field>
          </div>
        )}
        {http && (
          <>
            <div class="grid gap-5 sm:grid-cols-2">
              <Field id="method" label={LABELS.method} error={errors.method}>
                <select
                  {...describedBy("method", errors.method)}
                  name="method"
                  class={inputClass(errors.method)}
                >
                  {props.methods.map((m) => (
                    <option key={m} value={m} selected={v.method === m}>{m}</option>
                  ))}
                </select>
              </Field>
              <Field
                id="expected_status"
                label={LABELS.expected_status}
                error={errors.expected_status}
                hint="Empty: any 2xx or 3xx answer is up."
              >
                <input
                  {...describedBy("expected_status", errors.expected_status, true)}
                  name="expected_status"
                  type="number"
                  min={100}
                  max={599}
                  {...bind("expectedStatus")}
                  class={inputClass(errors.expected_status)}
                />
              </Field>
            </div>
            <Field
              id="keyword"
              label={LABELS.keyword}
              error={errors.keyword}
              hint="Optional: the page must contain this text to count as up."
            >
              <input
                {...describedBy("keyword", errors.keyword, true)}
                name="keyword"
                type="text"
                maxLength={256}
                {...bind("keyword")}
                class={inputClass(errors.keyword)}
              />
            </Field>
            <Field
              id="forbidden_keyword"
              label={LABELS.forbidden_keyword}
              error={errors.forbidden_keyword}
              hint="Optional: the check is down when the page contains this text, e.g. Fatal error."
            >
              <input
                {...describedBy("forbidden_keyword", errors.forbidden_keyword, true)}
                name="forbidden_keyword"
                type="text"
                maxLength={256}
                {...bind("forbiddenKeyword")}
                class={inputClass(errors.forbidden_keyword)}
              />
            </Field>
            <div class="grid gap-5 sm:grid-cols-2">
              <Field
                id="json_path"
                label={LABELS.json_path}
                error={errors.json_path}
                hint="Optional: the answer must be JSON with a value here, e.g. $.status or $.checks[0].ok."
              >
                <input
                  {...describedBy("json_path", errors.json_path, true)}
                  name="json_path"
                  type="text"
                  maxLength={200}
                  placeholder="$.status"
                  spellcheck={false}
                  {...bind("jsonPath")}
                  class={inputClass(errors.json_path)}
                />
              </Field>
              <Field
                id="json_expected"
                label={LABELS.json_expected}
                error={errors.json_expected}
                hint="Optional: what must be there, e.g. ok, true or 200; empty: anything but null or false."
              >
                <input
                  {...describedBy("json_expected", errors.json_expected, true)}
                  name="json_expected"
                  type="text"
                  maxLength={200}
                  {...bind("jsonExpected")}
                  class={inputClass(errors.json_expected)}
                />
              </Field>
            </div>
          </>
        )}
        {checked && (
          <div class="grid gap-5 sm:grid-cols-2">
            <Field
              id="degraded_ms"
              label={LABELS.degraded_ms}
              error={errors.degraded_ms}
              hint="Optional: a slower answer is shown as degraded (amber), not down."
            >
              <input
                {...describedBy("degraded_ms", errors.degraded_ms, true)}
                name="degraded_ms"
                type="number"
                min={1}
                max={60000}
                {...bind("degradedMs")}
                class={inputClass(errors.degraded_ms)}
              />
            </Field>
            {http && (
              <Field
                id="cert_expiry_warn_days"
                label={LABELS.cert_expiry_warn_days}
                error={errors.cert_expiry_warn_days}
                hint="How many days before its TLS certificate expires to alert its channels and warn on its page; empty: 14."
              >
                <input
                  {...describedBy("cert_expiry_warn_days", errors.cert_expiry_warn_days, true)}
                  name="cert_expiry_warn_days"
                  type="number"
                  min={0}
                  max={365}
                  {...bind("certExpiryWarnDays")}
                  class={inputClass(errors.cert_expiry_warn_days)}
                />
              </Field>
            )}
          </div>
        )}
      </fieldset>

      {http && (
        <>
          <fieldset class="min-w-0 space-y-3">
            <legend class="text-base font-semibold">Request headers</legend>
            <p id="headers-hint" class="text-sm text-slate-600 dark:text-slate-400">
              Sent with every check, e.g. an Authorization header. Leave a row empty to skip it.
            </p>
            <ul class="space-y-3">
              {headers.map((header, index) => (
                <li key={index} class="grid gap-2 sm:grid-cols-[1fr_2fr_auto] sm:items-end">
                  <div>
                    <label for={`header-name-${index}`} class="block text-sm font-medium">
                      Header name {index + 1}
                    </label>
                    <input
                      id={`header-name-${index}`}
                      name="header_name"
                      type="text"
                      value={header.name}
                      placeholder="Authorization"
                      class={`${INPUT} mt-1`}
                      onInput={(e) => {
                        const name = (e.currentTarget as HTMLInputElement).value;
                        setHeaders((h) =>
                          h.map((x, i) =>
                            i === index ? { ...x, name } : x
                          )
                        );
                      }}
                    />
                  </div>
                  <div>
                    <label for={`header-value-${index}`} class="block text-sm font-medium">
                      Header value {index + 1}
                    </label>
                    <input
                      id={`header-value-${index}`}
                      name="header_value"
                      type="text"
                      value={header.value}
                      class={`${INPUT} mt-1`}
                      onInput={(e) => {
                        const value = (e.currentTarget as HTMLInputElement).value;
                        setHeaders((h) => h.map((x, i) => i === index ? { ...x, value } : x));
                      }}
                    />
                  </div>
                  <button
                    type="submit"
                    name="remove_header"
                    value={String(index)}
                    formNoValidate
                    class={buttonClass("secondary")}
                    aria-label={`Remove header ${index + 1}`}
                    onClick={(e) => {
                      e.preventDefault();
                      focusAfterRender.current = `header-name-${
                        Math.max(0, Math.min(index, headers.length - 2))
                      }`;
                      setHeaders((h) =>
                        h.length > 1 ? h.filter((_, i) => i !== index) : [{ name: "", value: "" }]
                      );
                    }}
                  >
                    Remove
                  </button>
                </li>
              ))}
            </ul>
            <FieldError id="headers" error={errors.headers} />
            <button
              type="submit"
              name="add_header"
              value="1"
              formNoValidate
              class={buttonClass("secondary")}
              onClick={(e) => {
                e.preventDefault();
                focusAfterRender.current = `header-name-${headers.length}`;
                setHeaders((h) => [...h, { name: "", value: "" }]);
              }}
            >
              Add header
            </button>
          </fieldset>

          <Field
            id="body"
            label={LABELS.body}
            error={errors.body}
            hint="Optional; for POST, PUT and PATCH."
          >
            <textarea
              {...describedBy("body", errors.body, true)}
              name="body"
              rows={3}
              {...bind("body")}
              class={inputClass(errors.body, "font-mono")}
            >
              {
                // The server writes no `value` of a textarea: without JavaScript, its text is
                // what the form shows and sends back.
                form.body
              }
            </textarea>
          </Field>
        </>
      )}

      <fieldset class="min-w-0 space-y-5">
        <legend class="text-base font-semibold">Schedule</legend>
        <div class="grid gap-5 sm:grid-cols-2">
          <Field id="interval" label={LABELS.interval} error={errors.interval}>
            <select
              {...describedBy("interval", errors.interval)}
              name="interval"
              class={inputClass(errors.interval)}
              onChange={(e) => chooseInterval((e.currentTarget as HTMLSelectElement).value)}
            >
              {presets.map((s) => (
                <option key={s} value={String(s)} selected={interval === String(s)}>
                  {PRESET_LABEL[s] ?? `${s} s`}
                </option>
              ))}
              <option value="custom" selected={interval === "custom"}>Custom</option>
            </select>
          </Field>
          {showCustom && (
            <Field
              id="interval_custom"
              label={LABELS.interval_custom}
              error={errors.interval_custom}
              hint={`Used when the interval is Custom; at least ${props.minIntervalSeconds}.`}
            >
              <input
                {...describedBy("interval_custom", errors.interval_custom, true)}
                name="interval_custom"
                type="number"
                min={props.minIntervalSeconds}
                {...bind("intervalCustom")}
                class={inputClass(errors.interval_custom)}
              />
            </Field>
          )}
          {checked && (
            <Field
              id="timeout"
              label={LABELS.timeout}
              error={errors.timeout}
              hint="From 1 to 60."
            >
              <input
                {...describedBy("timeout", errors.timeout, true)}
                name="timeout"
                type="number"
                min={1}
                max={60}
                {...bind("timeout")}
                class={inputClass(errors.timeout)}
              />
            </Field>
          )}
          {(!hydrated || v.type === "heartbeat") && (
            <Field
              id="heartbeat_grace"
              label={LABELS.heartbeat_grace}
              error={errors.heartbeat_grace}
              hint="How late a beat may be before the monitor is down."
            >
              <input
                {...describedBy("heartbeat_grace", errors.heartbeat_grace, true)}
                name="heartbeat_grace"
                type="number"
                min={0}
                {...bind("heartbeatGrace")}
                class={inputClass(errors.heartbeat_grace)}
              />
            </Field>
          )}
        </div>
        <fieldset
          class="min-w-0"
          aria-describedby={errors.regions ? "regions-error" : undefined}
        >
          <legend class="text-sm font-medium">Regions</legend>
          <p class="text-xs text-slate-600 dark:text-slate-400">
            {checked
              ? "Each region checks on every interval."
              : "A heartbeat's beats are recorded under the first region ticked."}
          </p>
          <div class="mt-2 flex flex-wrap gap-4">
            {props.regions.map((region) => (
              <label key={region} class="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  name="regions"
                  value={region}
                  checked={v.regions.includes(region)}
                  onChange={(e) => {
                    const on = (e.currentTarget as HTMLInputElement).checked;
                    setForm((f) => ({
                      ...f,
                      regions: on ? [...f.regions, region] : f.regions.filter((r) =>
                        r !== region
                      ),
                    }));
                  }}
                  class={`h-4 w-4 rounded border-slate-300 ${FOCUS_RING}`}
                />
                <span class="font-mono">{region}</span>
              </label>
            ))}
          </div>
          <FieldError id="regions" error={errors.regions} />
        </fieldset>
      </fieldset>

      <fieldset class="min-w-0 space-y-5">
        <legend class="text-base font-semibold">Alerting</legend>
        <div class="grid gap-5 sm:grid-cols-2">
          <Field
            id="confirmations"
            label={LABELS.confirmations}
            error={errors.confirmations}
            hint={checked
              ? "Failed checks in a row before a region counts as down, and successes in a row before it is up again (1 to 10)."
              : "Missed or failed beats in a row before the monitor counts as down, and beats in a row before it is up again (1 to 10)."}
          >
            <input
              {...describedBy("confirmations", errors.confirmations, true)}
              name="confirmations"
              type="number"
              min={1}
              max={10}
              {...bind("confirmations")}
              class={inputClass(errors.confirmations)}
            />
          </Field>
          {checked && (
            <Field
              id="quorum"
              label={LABELS.quorum}
              error={errors.quorum}
              hint="How many of the monitor's regions must be down to open an incident."
            >
              <select
                {...describedBy("quorum", errors.quorum, true)}
                name="quorum"
                class={inputClass(errors.quorum)}
              >
                {QUORUM_CHOICES.map(([value, label]) => (
                  <option key={value} value={value} selected={v.quorum === value}>{label}</option>
                ))}
              </select>
            </Field>
          )}
          <Field
            id="remind_every"
            label={LABELS.remind_every}
            error={errors.remind_every}
            hint="While an incident is open and nobody has acknowledged it, its channels are told again this often."
          >
            <select
              {...describedBy("remind_every", errors.remind_every, true)}
              name="remind_every"
              class={inputClass(errors.remind_every)}
              onChange={(e) => {
                const remindEvery = (e.currentTarget as HTMLSelectElement).value;
                setForm((f) => ({ ...f, remindEvery }));
              }}
            >
              <option value="" selected={!v.remindEvery}>Never: one alert per incident</option>
              {minuteChoices(REMIND_PRESETS, v.remindEvery).map((minutes) => (
                <option
                  key={minutes}
                  value={String(minutes)}
                  selected={v.remindEvery === String(minutes)}
                >
                  {REMIND_LABEL[minutes] ?? `Every ${formatInterval(minutes * 60)}`}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <fieldset
          class="min-w-0"
          aria-describedby={errors.notificationIds ? "notificationIds-error" : undefined}
        >
          <legend class="text-sm font-medium">Alert channels</legend>
          <div class="mt-2 space-y-2 text-sm">
            <label class="flex items-center gap-2">
              <input
                type="radio"
                name="notify"
                value="all"
                checked={v.notify !== "chosen"}
                onChange={() => setForm((f) => ({ ...f, notify: "all" }))}
                class={`h-4 w-4 ${FOCUS_RING}`}
              />
              Every channel of the account, including ones added later
            </label>
            <label class="flex items-center gap-2">
              <input
                type="radio"
                name="notify"
                value="chosen"
                checked={v.notify === "chosen"}
                onChange={() => setForm((f) => ({ ...f, notify: "chosen" }))}
                class={`h-4 w-4 ${FOCUS_RING}`}
              />
              Only the channels ticked below (none ticked: no alerts)
            </label>
            {props.channels.length === 0
              ? (
                <p class="text-slate-600 dark:text-slate-400">
                  No alert channels yet. {/* A new tab: leaving would lose what is typed here. */}
                  <a
                    href="/app/notifications#add-heading"
                    target="_blank"
                    rel="noopener"
                    class="font-medium text-sky-700 underline dark:text-sky-400"
                  >
                    Add one (opens in a new tab)
                  </a>; with “Every channel” chosen, this monitor's alerts go to it.
                </p>
              )
              : (
                <ChannelChecks
                  name="channels"
                  channels={props.channels}
                  chosen={v.channels}
                  class="ml-6"
                  onChange={(channels) => setForm((f) => ({ ...f, notify: "chosen", channels }))}
                />
              )}
          </div>
          <FieldError id="notificationIds" error={errors.notificationIds} />
        </fieldset>
        {props.channels.length > 0 && (
          <fieldset class="min-w-0 space-y-3">
            <legend class="text-sm font-medium">Escalation</legend>
            <Field
              id="escalate_after"
              label={LABELS.escalate_after}
              error={errors.escalate_after}
              hint="When an incident is still open and nobody has acknowledged it this long after it opened, the channels ticked below are alerted too, and then hear its reminders and its end."
              class="max-w-sm"
            >
              <select
                {...describedBy("escalate_after", errors.escalate_after, true)}
                name="escalate_after"
                class={inputClass(errors.escalate_after)}
                onChange={(e) => {
                  const escalateAfter = (e.currentTarget as HTMLSelectElement).value;
                  setForm((f) => ({ ...f, escalateAfter }));
                }}
              >
                <option value="" selected={!v.escalateAfter}>Never: nobody else is alerted</option>
                {minuteChoices(ESCALATE_PRESETS, v.escalateAfter).map((minutes) => (
                  <option
                    key={minutes}
                    value={String(minutes)}
                    selected={v.escalateAfter === String(minutes)}
                  >
                    {formatInterval(minutes * 60)} unacknowledged
                  </option>
                ))}
              </select>
            </Field>
            <fieldset class="min-w-0">
              <legend class="text-sm">Escalate to</legend>
              <ChannelChecks
                name="escalation_channels"
                channels={props.channels}
                chosen={v.escalationChannels}
                class="mt-2 text-sm"
                onChange={(escalationChannels) => setForm((f) => ({ ...f, escalationChannels }))}
              />
            </fieldset>
          </fieldset>
        )}
      </fieldset>

      <div class="flex flex-wrap gap-3 border-t border-slate-200 pt-6 dark:border-slate-700">
        <Button>{props.submitLabel}</Button>
        <a href={props.cancelHref} class={buttonClass("ghost")}>Cancel</a>
      </div>
    </form>
  );
}

/** A checkbox per channel of the account, named `name`; `onChange` gets the ticked ones. */
function ChannelChecks(props: {
  name: string;
  channels: Props["channels"];
  chosen: string[];
  class: string;
  onChange: (chosen: string[]) => void;
}) {
  return (
    <ul class={`flex flex-wrap gap-x-5 gap-y-2 ${props.class}`}>
      {props.channels.map((channel) => (
        <li key={channel.id}>
          <label class="flex items-center gap-2">
            <input
              type="checkbox"
              name={props.name}
              value={channel.id}
              checked={props.chosen.includes(channel.id)}
              onChange={(e) => {
                const on = (e.currentTarget as HTMLInputElement).checked;
                props.onChange(
                  on
                    ? [...props.chosen, channel.id]
                    : props.chosen.filter((id) => id !== channel.id),
                );
              }}
              class={`h-4 w-4 rounded ${FOCUS_RING}`}
            />
            <span>{channel.name}</span>
            <span class="text-xs text-slate-600 dark:text-slate-400">({channel.kind})</span>
          </label>
        </li>
      ))}
    </ul>
  );
}

/** By minutes; a monitor reminding at another pace (set through the API) keeps it. */
const REMIND_LABEL: Record<number, string> = {
  5: "Every 5 minutes",
  10: "Every 10 minutes",
  15: "Every 15 minutes",
  30: "Every 30 minutes",
  60: "Every hour",
  120: "Every 2 hours",
  360: "Every 6 hours",
  720: "Every 12 hours",
  1440: "Every day",
};
const REMIND_PRESETS = Object.keys(REMIND_LABEL).map(Number);

/** By minutes, as for reminders. */
const ESCALATE_PRESETS = [5, 10, 15, 30, 60, 120];

/** The presets, and a pace set through the API that is none of them. */
function minuteChoices(presets: number[], current: string): number[] {
  const minutes = Number(current);
  return !current || !Number.isInteger(minutes) || presets.includes(minutes)
    ? presets
    : [...presets, minutes].sort((a, b) => a - b);
}

const QUORUM_CHOICES = [
  ["any", "Any one region is down"],
  ["half", "At least half of the regions are down"],
  ["all", "All regions are down"],
] as const;

const FOCUS_RING = "focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500";
