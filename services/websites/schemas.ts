/**
 * Input schemas of the website procedures. Static bounds live here; limits that come
 * from configuration (minimum interval, regions, websites per user) are checked by
 * `rules.ts`, because a router's schema is built once, before any config is known.
 */
import { z } from "zod";
import {
  headerNameProblem,
  headerValueProblem,
  isReservedHeader,
  RESERVED_HEADERS,
} from "../../lib/header_policy.ts";
import { MAX_WEBSITE_TIMEOUT_MS } from "../../lib/task.ts";
import { MAX_JSON_EXPECTED, parseJsonPath } from "../../lib/json_assertion.ts";
import { notificationIdsInput } from "../notifications/attach.ts";

export const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export const MAX_URL_LENGTH = 2048;
export const MAX_HEADERS = 20;
export const MAX_BODY_BYTES = 64 * 1024;
export const MAX_INTERVAL_SECONDS = 86_400;
export const QUORUMS = ["any", "half", "all"] as const;
/**
 * http: a URL is fetched; tcp: a port must accept connections; dns: a DNS server must answer
 * for a name (lib/dns_target.ts); heartbeat: the job calls us.
 */
export const MONITOR_TYPES = ["http", "tcp", "dns", "heartbeat"] as const;
export type MonitorType = (typeof MONITOR_TYPES)[number];
export const DEFAULT_CERT_EXPIRY_WARN_DAYS = 14;
export const MAX_TAGS = 10;
export const MAX_TAG_LENGTH = 32;
export const MAX_CERT_EXPIRY_WARN_DAYS = 365;
/** Bounds of `remindEveryMinutes`: from five minutes to a day. */
export const MIN_REMIND_MINUTES = 5;
export const MAX_REMIND_MINUTES = 1440;
/** Bounds of `escalation.afterMinutes`: from a minute to a day. */
export const MIN_ESCALATE_MINUTES = 1;
export const MAX_ESCALATE_MINUTES = 1440;

export const idInput = z.strictObject({ id: z.uuid({ error: "id: not a valid website id" }) });

const url = z.string({ error: "url: expected a string" }).trim()
  .min(1, "url: required")
  .max(MAX_URL_LENGTH, `url: at most ${MAX_URL_LENGTH} characters`);

// Names and values follow the checker's own rule (lib/header_policy.ts), so a header the
// form accepts is one every check can send. Keys are checked as a whole: zod reports a
// bad record key only as "Invalid key".
const headers = z.record(z.string(), z.string({ error: "headers: values must be strings" }))
  .superRefine((record, ctx) => {
    const entries = Object.entries(record);
    if (entries.length > MAX_HEADERS) ctx.addIssue(`headers: at most ${MAX_HEADERS}`);
    for (const [name, value] of entries) {
      const problem = headerNameProblem(name) ?? headerValueProblem(name, value);
      if (problem) return void ctx.addIssue(`headers: ${problem}`);
    }
    if (entries.some(([name]) => isReservedHeader(name))) {
      ctx.addIssue(`headers: ${RESERVED_HEADERS.join(", ")} are set by the checker`);
    }
  });

// A tag is a short label, kept as typed; the same tag twice (in any case) is one. Tags are
// judged as a whole, so a refusal names the field ("tags: …"), not an index in it; a list far
// too long is refused before any of it is looked at.
const tags = z.array(z.string({ error: "tags: expected text" }), {
  error: "tags: expected a list of tags",
}).max(MAX_TAGS * 4, `tags: at most ${MAX_TAGS} tags`).transform((list, ctx) => {
  const unique = uniqueTags(list.map((tag) => tag.trim()));
  const long = unique.find((tag) => tag.length > MAX_TAG_LENGTH);
  const odd = unique.find((tag) => !/^[^\p{C},]+$/u.test(tag));
  const problem = unique.includes("")
    ? "a tag may not be empty"
    : long
    ? `"${long.slice(0, 20)}…" is longer than ${MAX_TAG_LENGTH} characters`
    : odd
    ? `"${odd.slice(0, MAX_TAG_LENGTH)}" has a comma or a control character`
    : unique.length > MAX_TAGS
    ? `at most ${MAX_TAGS} tags`
    : null;
  if (problem) ctx.addIssue({ code: "custom", message: `tags: ${problem}` });
  return unique;
});

/** Each tag once, in the spelling first met: the same tag in another case is one. */
export function uniqueTags(tags: string[]): string[] {
  const byKey = new Map<string, string>();
  for (const tag of tags) if (!byKey.has(tag.toLowerCase())) byKey.set(tag.toLowerCase(), tag);
  return [...byKey.values()];
}

const body = z.string({ error: "body: expected a string" }).refine(
  (text) => new TextEncoder().encode(text).length <= MAX_BODY_BYTES,
  { error: `body: at most ${MAX_BODY_BYTES / 1024} KiB` },
);

const whole = (field: string, min: number, max: number) =>
  z.number({ error: `${field}: expected a number` })
    .int(`${field}: expected a whole number`)
    .min(min, `${field}: at least ${min}`)
    .max(max, `${field}: at most ${max}`);

/** The monitor settings shared by create and update. */
const settings = {
  name: z.string({ error: "name: expected a string" }).trim().max(
    100,
    "name: at most 100 characters",
  ),
  method: z.enum(METHODS, { error: `method: expected one of ${METHODS.join(", ")}` }),
  headers,
  body,
  // The lower bound here is absolute; the deployment's minimum is checked in rules.ts.
  intervalSeconds: whole("intervalSeconds", 1, MAX_INTERVAL_SECONDS),
  timeoutMs: whole("timeoutMs", 1_000, MAX_WEBSITE_TIMEOUT_MS),
  regions: z.array(
    z.string({ error: "regions: expected region ids" }).max(32, "regions: unknown region"),
    { error: "regions: expected a list of region ids" },
  ).min(1, "regions: at least one region").max(64, "regions: too many regions")
    .refine((list) => new Set(list).size === list.length, { error: "regions: listed twice" }),
  expectedStatus: whole("expectedStatus", 100, 599),
  keyword: z.string({ error: "keyword: expected a string" })
    .min(1, "keyword: may not be empty")
    .max(256, "keyword: at most 256 characters"),
  confirmations: whole("confirmations", 1, 10),
  quorum: z.enum(QUORUMS, { error: `quorum: expected one of ${QUORUMS.join(", ")}` }),
  forbiddenKeyword: z.string({ error: "forbiddenKeyword: expected a string" })
    .min(1, "forbiddenKeyword: may not be empty")
    .max(256, "forbiddenKeyword: at most 256 characters"),
  degradedMs: whole("degradedMs", 1, 60_000),
  jsonPath: z.string({ error: "jsonPath: expected a string" }).trim().superRefine((path, ctx) => {
    const parsed = parseJsonPath(path);
    if (!Array.isArray(parsed)) {
      ctx.addIssue({ code: "custom", message: `jsonPath: ${parsed.error}` });
    }
  }),
  jsonExpected: z.string({ error: "jsonExpected: expected a string" }).trim()
    .min(1, "jsonExpected: may not be empty")
    .max(MAX_JSON_EXPECTED, `jsonExpected: at most ${MAX_JSON_EXPECTED} characters`)
    .refine(
      // deno-lint-ignore no-control-regex
      (text) => !/[\u0000-\u001f\u007f]/.test(text),
      "jsonExpected: one line, without control characters",
    ),
  certExpiryWarnDays: whole("certExpiryWarnDays", 0, MAX_CERT_EXPIRY_WARN_DAYS),
  heartbeatGraceSeconds: whole("heartbeatGraceSeconds", 0, MAX_INTERVAL_SECONDS),
  remindEveryMinutes: whole("remindEveryMinutes", MIN_REMIND_MINUTES, MAX_REMIND_MINUTES),
  // Whom to alert as well when nobody acknowledges an incident in time
  // (services/incidents/escalations.ts).
  escalation: z.strictObject({
    afterMinutes: whole("escalation.afterMinutes", MIN_ESCALATE_MINUTES, MAX_ESCALATE_MINUTES),
    notificationIds: z.array(
      z.uuid({ error: "escalation.notificationIds: expected notification channel ids" }),
      { error: "escalation.notificationIds: expected a list of channel ids" },
    ).min(1, "escalation.notificationIds: at least one channel to escalate to")
      .max(50, "escalation.notificationIds: at most 50 channels")
      .transform((ids) => [...new Set(ids)]),
  }, { error: "escalation: expected { afterMinutes, notificationIds }, or null for none" }),
  tags,
};

export const createInput = z.strictObject({
  type: z.enum(MONITOR_TYPES, { error: `type: expected one of ${MONITOR_TYPES.join(", ")}` })
    .optional(),
  // Required for http and tcp monitors (create.ts says so); a heartbeat has none.
  url: url.optional(),
  name: settings.name.optional(),
  method: settings.method.optional(),
  headers: settings.headers.optional(),
  body: settings.body.optional(),
  intervalSeconds: settings.intervalSeconds.optional(),
  timeoutMs: settings.timeoutMs.optional(),
  regions: settings.regions.optional(),
  expectedStatus: settings.expectedStatus.optional(),
  keyword: settings.keyword.optional(),
  confirmations: settings.confirmations.optional(),
  quorum: settings.quorum.optional(),
  notificationIds: notificationIdsInput.optional(),
  forbiddenKeyword: settings.forbiddenKeyword.optional(),
  degradedMs: settings.degradedMs.optional(),
  /** Down unless the body is JSON with a value at this path (`$.status`). */
  jsonPath: settings.jsonPath.optional(),
  /** The value expected there; absent: anything but null or false. */
  jsonExpected: settings.jsonExpected.optional(),
  certExpiryWarnDays: settings.certExpiryWarnDays.optional(),
  heartbeatGraceSeconds: settings.heartbeatGraceSeconds.optional(),
  /** While an incident is open and unacknowledged, remind its channels this often; null: never. */
  remindEveryMinutes: settings.remindEveryMinutes.nullable().optional(),
  /** Whom to alert as well when an incident is unacknowledged that long; null: nobody. */
  escalation: settings.escalation.nullable().optional(),
  tags: settings.tags.optional(),
});

/** Every field optional; `null` clears a setting back to its default. */
export const updateInput = z.strictObject({
  id: idInput.shape.id,
  url: url.optional(),
  name: settings.name.nullable().optional(),
  method: settings.method.optional(),
  headers: settings.headers.optional(),
  body: settings.body.nullable().optional(),
  intervalSeconds: settings.intervalSeconds.nullable().optional(),
  timeoutMs: settings.timeoutMs.nullable().optional(),
  regions: settings.regions.optional(),
  expectedStatus: settings.expectedStatus.nullable().optional(),
  keyword: settings.keyword.nullable().optional(),
  confirmations: settings.confirmations.optional(),
  quorum: settings.quorum.optional(),
  notificationIds: notificationIdsInput.optional(),
  forbiddenKeyword: settings.forbiddenKeyword.nullable().optional(),
  degradedMs: settings.degradedMs.nullable().optional(),
  jsonPath: settings.jsonPath.nullable().optional(),
  jsonExpected: settings.jsonExpected.nullable().optional(),
  certExpiryWarnDays: settings.certExpiryWarnDays.nullable().optional(),
  heartbeatGraceSeconds: settings.heartbeatGraceSeconds.nullable().optional(),
  remindEveryMinutes: settings.remindEveryMinutes.nullable().optional(),
  escalation: settings.escalation.nullable().optional(),
  tags: settings.tags.optional(),
});

export const setActiveInput = z.strictObject({
  id: idInput.shape.id,
  active: z.boolean({ error: "active: expected true or false" }),
});

export const RANGES = ["24h", "7d", "30d", "90d"] as const;
export type MetricsRange = (typeof RANGES)[number];

export const metricsInput = z.strictObject({
  id: idInput.shape.id,
  range: z.enum(RANGES, { error: `range: expected one of ${RANGES.join(", ")}` }),
});

export const checksInput = z.strictObject({
  id: idInput.shape.id,
  limit: whole("limit", 1, 200).default(50),
  cursor: z.string({ error: "cursor: expected a string" }).max(200, "cursor: not a valid cursor")
    .optional(),
});

export type CreateInput = z.infer<typeof createInput>;
export type UpdateInput = z.infer<typeof updateInput>;
export type SetActiveInput = z.infer<typeof setActiveInput>;
export type MetricsInput = z.infer<typeof metricsInput>;
export type ChecksInput = z.output<typeof checksInput>;
