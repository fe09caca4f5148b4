/**
 * The add/edit monitor form on the server: its fields as posted, turned into the input
 * of `website.create` / `website.update`, and back from a website for editing. Field
 * names of the API ("intervalSeconds") map to the form's ("interval") for errors.
 */
import type { Website } from "../services/websites/store.ts";
import { DEFAULT_DNS_SERVER, dnsServerText, parseDnsTarget } from "../lib/dns_target.ts";
import type { FieldErrors } from "./forms.ts";

export const INTERVAL_PRESETS = [30, 60, 180, 300, 600] as const;
export const FORM_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

export interface MonitorFormValues {
  /** "http", "tcp", "dns" or "heartbeat"; chosen when the monitor is added. */
  type: string;
  url: string;
  name: string;
  /** Comma-separated, as typed. */
  tags: string;
  method: string;
  headers: { name: string; value: string }[];
  body: string;
  /** A preset in seconds, or "custom". */
  interval: string;
  intervalCustom: string;
  /** Seconds. */
  timeout: string;
  regions: string[];
  expectedStatus: string;
  keyword: string;
  forbiddenKeyword: string;
  /** An HTTP monitor's JSON assertion: where in the body, and what must be there. */
  jsonPath: string;
  jsonExpected: string;
  degradedMs: string;
  certExpiryWarnDays: string;
  /** Failed (successful) checks in a row before a region is down (up again). */
  confirmations: string;
  /** "any", "half" or "all" regions down make the monitor down. */
  quorum: string;
  /** Minutes between reminders of an unacknowledged incident; "": never. */
  remindEvery: string;
  /** Seconds a heartbeat may be late before it counts as missed. */
  heartbeatGrace: string;
  /** A dns monitor's question: the name, record type and server (its URL, in parts). */
  dnsName: string;
  dnsType: string;
  dnsServer: string;
  /** What one of the answers must hold (the API's `keyword` for a dns monitor). */
  dnsExpected: string;
  /** "all": every alert channel of the account, also ones added later; "chosen": `channels`. */
  notify: string;
  channels: string[];
  /** Minutes unacknowledged before `escalationChannels` are alerted too; "": never. */
  escalateAfter: string;
  escalationChannels: string[];
}

export function blankMonitorForm(regions: string[], intervalSeconds: number, timeoutMs: number) {
  return withInterval({
    url: "",
    name: "",
    tags: "",
    method: "GET",
    headers: [],
    body: "",
    interval: "",
    intervalCustom: "",
    timeout: String(Math.round(timeoutMs / 1000)),
    regions,
    expectedStatus: "",
    keyword: "",
    forbiddenKeyword: "",
    jsonPath: "",
    jsonExpected: "",
    degradedMs: "",
    certExpiryWarnDays: "",
    confirmations: "2",
    quorum: "half",
    remindEvery: "",
    notify: "all",
    channels: [],
    escalateAfter: "",
    escalationChannels: [],
    type: "http",
    heartbeatGrace: "",
    dnsName: "",
    dnsType: "A",
    dnsServer: DEFAULT_DNS_SERVER,
    dnsExpected: "",
  }, intervalSeconds);
}

export function monitorFormFrom(website: Website): MonitorFormValues {
  const dns = website.type === "dns" ? parseDnsTarget(website.url) : null;
  return withInterval({
    url: website.url,
    name: website.name ?? "",
    tags: website.tags.join(", "),
    method: website.method,
    headers: Object.entries(website.headers).map(([name, value]) => ({ name, value })),
    body: website.body ?? "",
    interval: "",
    intervalCustom: "",
    timeout: String(Math.round(website.timeoutMs / 1000)),
    regions: website.regions,
    expectedStatus: website.expectedStatus === null ? "" : String(website.expectedStatus),
    keyword: dns ? "" : website.keyword ?? "",
    forbiddenKeyword: website.forbiddenKeyword ?? "",
    jsonPath: website.jsonPath ?? "",
    jsonExpected: website.jsonExpected ?? "",
    degradedMs: website.degradedMs === null ? "" : String(website.degradedMs),
    certExpiryWarnDays: String(website.certExpiryWarnDays),
    confirmations: String(website.confirmations),
    quorum: website.quorum,
    remindEvery: website.remindEveryMinutes === null ? "" : String(website.remindEveryMinutes),
    notify: website.notificationIds === null ? "all" : "chosen",
    channels: website.notificationIds ?? [],
    escalateAfter: website.escalation ? String(website.escalation.afterMinutes) : "",
    escalationChannels: website.escalation?.notificationIds ?? [],
    type: website.type,
    heartbeatGrace: website.heartbeat ? String(website.heartbeat.graceSeconds) : "",
    dnsName: dns?.name ?? "",
    dnsType: dns?.recordType ?? "A",
    dnsServer: dns ? dnsServerText(dns) : DEFAULT_DNS_SERVER,
    dnsExpected: dns ? website.keyword ?? "" : "",
  }, website.intervalSeconds);
}

function withInterval(values: MonitorFormValues, seconds: number): MonitorFormValues {
  const preset = (INTERVAL_PRESETS as readonly number[]).includes(seconds);
  return {
    ...values,
    interval: preset ? String(seconds) : "custom",
    intervalCustom: String(seconds),
  };
}

/** What was posted, kept as text so the form can show it again next to its errors. */
export function readMonitorForm(form: URLSearchParams): MonitorFormValues {
  const names = form.getAll("header_name");
  const values = form.getAll("header_value");
  return {
    url: form.get("url") ?? "",
    name: form.get("name") ?? "",
    tags: form.get("tags") ?? "",
    method: form.get("method") ?? "GET",
    headers: names.map((name, i) => ({ name, value: values[i] ?? "" })),
    body: form.get("body") ?? "",
    interval: form.get("interval") ?? "",
    intervalCustom: form.get("interval_custom") ?? "",
    timeout: form.get("timeout") ?? "",
    regions: form.getAll("regions"),
    expectedStatus: form.get("expected_status") ?? "",
    keyword: form.get("keyword") ?? "",
    forbiddenKeyword: form.get("forbidden_keyword") ?? "",
    jsonPath: form.get("json_path") ?? "",
    jsonExpected: form.get("json_expected") ?? "",
    degradedMs: form.get("degraded_ms") ?? "",
    certExpiryWarnDays: form.get("cert_expiry_warn_days") ?? "",
    confirmations: form.get("confirmations") ?? "",
    quorum: form.get("quorum") ?? "",
    remindEvery: form.get("remind_every") ?? "",
    notify: form.get("notify") ?? "all",
    channels: form.getAll("channels"),
    escalateAfter: form.get("escalate_after") ?? "",
    escalationChannels: form.getAll("escalation_channels"),
    type: form.get("type") ?? "http",
    heartbeatGrace: form.get("heartbeat_grace") ?? "",
    dnsName: form.get("dns_name") ?? "",
    dnsType: form.get("dns_type") ?? "A",
    dnsServer: form.get("dns_server") ?? "",
    dnsExpected: form.get("dns_expected") ?? "",
  };
}

/**
 * The API input for these values. Blank optional fields are left out on create and
 * cleared (null) on update; numbers that are not numbers are passed on as they are, so
 * the schema names the field.
 */
export function monitorInput(values: MonitorFormValues, mode: "create" | "update") {
  const blank = mode === "create" ? undefined : null;
  const headers: Record<string, string> = {};
  for (const { name, value } of values.headers) {
    if (name.trim() || value.trim()) headers[name.trim()] = value;
  }
  const interval = values.interval === "custom" ? values.intervalCustom : values.interval;
  const heartbeat = values.type === "heartbeat";
  const dns = values.type === "dns";
  // TCP, DNS and heartbeat monitors send no request: the form's HTTP fields do not apply.
  const http = values.type === "http";
  const input = {
    ...(mode === "create" ? { type: values.type } : {}),
    // A heartbeat has no URL: the job calls us. A DNS question is one, put together.
    url: heartbeat ? undefined : dns ? dnsUrl(values) : values.url,
    heartbeatGraceSeconds: heartbeat && values.heartbeatGrace.trim()
      ? number(values.heartbeatGrace)
      : blank,
    name: values.name.trim() ? values.name : blank,
    tags: values.tags.split(",").map((tag) => tag.trim()).filter(Boolean),
    method: values.method,
    headers,
    body: values.body ? values.body : blank,
    intervalSeconds: number(interval),
    timeoutMs: values.timeout.trim() ? number(values.timeout, 1000) : blank,
    regions: values.regions,
    expectedStatus: values.expectedStatus.trim() ? number(values.expectedStatus) : blank,
    keyword: values.keyword ? values.keyword : blank,
    forbiddenKeyword: values.forbiddenKeyword ? values.forbiddenKeyword : blank,
    jsonPath: values.jsonPath.trim() ? values.jsonPath.trim() : blank,
    jsonExpected: values.jsonExpected.trim() ? values.jsonExpected : blank,
    degradedMs: values.degradedMs.trim() ? number(values.degradedMs) : blank,
    certExpiryWarnDays: values.certExpiryWarnDays.trim()
      ? number(values.certExpiryWarnDays)
      : blank,
    // Left out when not posted (an older form): the default, or what the monitor has.
    confirmations: values.confirmations.trim() ? number(values.confirmations) : undefined,
    quorum: values.quorum ? values.quorum : undefined,
    remindEveryMinutes: values.remindEvery.trim() ? number(values.remindEvery) : blank,
    notificationIds: values.notify === "chosen" ? values.channels : null,
    escalation: values.escalateAfter.trim()
      ? { afterMinutes: number(values.escalateAfter), notificationIds: values.escalationChannels }
      : blank,
  };
  if (http) return input;
  return {
    ...input,
    method: undefined,
    headers: undefined,
    body: blank,
    expectedStatus: blank,
    keyword: dns && values.dnsExpected.trim() ? values.dnsExpected.trim() : blank,
    forbiddenKeyword: blank,
    jsonPath: blank,
    jsonExpected: blank,
  };
}

/** The form's DNS fields as the URI the API takes; the API judges each part. */
function dnsUrl(values: MonitorFormValues): string {
  const part = (text: string) => encodeURIComponent(text.trim());
  return `dns://${part(values.dnsServer)}/${part(values.dnsName)}?type=${part(values.dnsType)}`;
}

function number(text: string, scale = 1): number {
  const value = Number(text.trim());
  return text.trim() === "" ? NaN : value * scale;
}

const FIELD_OF: Record<string, string> = {
  heartbeatGraceSeconds: "heartbeat_grace",
  intervalSeconds: "interval",
  timeoutMs: "timeout",
  expectedStatus: "expected_status",
  forbiddenKeyword: "forbidden_keyword",
  jsonPath: "json_path",
  jsonExpected: "json_expected",
  degradedMs: "degraded_ms",
  certExpiryWarnDays: "cert_expiry_warn_days",
  remindEveryMinutes: "remind_every",
  escalation: "escalate_after",
};

/**
 * Errors keyed by the API's field names, re-keyed by the form's, in the form's words. A
 * custom interval's error is at the field that holds it.
 */
export function monitorFormErrors(errors: FieldErrors, values: MonitorFormValues): FieldErrors {
  const out: FieldErrors = {};
  for (const [field, message] of Object.entries(errors)) {
    const key = field === "intervalSeconds" && values.interval === "custom"
      ? "interval_custom"
      : values.type === "dns" && (field === "url" || field === "keyword")
      ? dnsField(field, message)
      : FIELD_OF[field] ?? field;
    out[key] = key === "timeout" ? secondsWording(message) : message;
  }
  return out;
}

// A dns monitor's URL is three fields of the form; its errors say which part they are about
// (lib/dns_target.ts).
function dnsField(field: "url" | "keyword", message: string): string {
  if (field === "keyword") return "dns_expected";
  if (/^DNS server:/i.test(message)) return "dns_server";
  return /^record type:/i.test(message) ? "dns_type" : "dns_name";
}

// The API speaks milliseconds; the form asks for seconds.
function secondsWording(message: string): string {
  return message.replace(/(\d{4,})/g, (ms) => `${Number(ms) / 1000} s`).replace(
    "Expected a number",
    "Enter the timeout in seconds",
  );
}
