/**
 * The `/api/ws` protocol: JSON messages, validated with these schemas on both ends (the
 * server in `web/live/session.ts`, browsers in `web/live/client.ts`). Imports nothing but
 * `zod/mini`, so islands bundle only the few KB of it they use.
 *
 * ```ts
 * socket.send(JSON.stringify({ type: "subscribe", websiteIds: [id] } satisfies ClientMessage));
 * const message = parseServerMessage(event.data); // null when it is not a valid message
 * ```
 */
import * as z from "zod/mini";
import { type LiveResult, liveResultSchema } from "../../lib/live_result.ts";

/** Website ids one `subscribe` may name; a socket holds at most this many too. */
export const MAX_WEBSITE_IDS = 500;
/** Longer text frames are refused before they are parsed. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

const websiteIds = z.array(z.uuid("websiteIds: expected UUIDs")).check(
  z.maxLength(MAX_WEBSITE_IDS, `websiteIds: at most ${MAX_WEBSITE_IDS} per message`),
);
const slug = z.string().check(z.regex(
  /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/,
  "statusPage: expected a status page slug (lowercase letters, digits, dashes)",
));

export { type LiveResult, liveResultSchema };

/**
 * What a status page's anonymous followers get of a result: only what the page shows
 * (a monitor's state per region, whether it was slow, and when it was checked), never
 * status codes, response times or error kinds.
 */
export const pageResultSchema = z.strictObject({
  websiteId: liveResultSchema.shape.websiteId,
  region: liveResultSchema.shape.region,
  outcome: liveResultSchema.shape.outcome,
  degraded: z.boolean(),
  checkedAt: liveResultSchema.shape.checkedAt,
});
export type PageResult = z.infer<typeof pageResultSchema>;

export function toPageResult(result: LiveResult): PageResult {
  return {
    websiteId: result.websiteId,
    region: result.region,
    outcome: result.outcome,
    degraded: result.degraded ?? false,
    checkedAt: result.checkedAt,
  };
}

const subscription = {
  websiteIds: z.optional(websiteIds),
  statusPage: z.optional(slug),
};

/** What a browser sends. `pong` answers the server's `ping`. */
export const clientMessageSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("subscribe"), ...subscription }),
  z.strictObject({ type: z.literal("unsubscribe"), ...subscription }),
  z.strictObject({ type: z.literal("ping") }),
  z.strictObject({ type: z.literal("pong") }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

/**
 * What the server sends. `result` goes to a website's signed-in owner; `page-result` to
 * followers of a status page that shows it. `subscribed` always states the socket's whole subscription after
 * a `subscribe` or `unsubscribe`; `ping` expects a `pong` (any message will do).
 */
export const serverMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("result"), result: liveResultSchema }),
  z.object({ type: z.literal("page-result"), result: pageResultSchema }),
  // What the page shows changed other than by a result (maintenance): draw it again.
  z.object({ type: z.literal("page-changed") }),
  z.object({
    type: z.literal("subscribed"),
    websiteIds: z.array(z.uuid()),
    statusPage: z.optional(slug),
  }),
  z.object({ type: z.literal("error"), message: z.string() }),
  z.object({ type: z.literal("ping") }),
  z.object({ type: z.literal("pong") }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

export type ParsedClientMessage =
  | { ok: true; message: ClientMessage }
  | { ok: false; error: string };

/** Parses a frame from a browser; the error says what is wrong, for the `error` reply. */
export function parseClientMessage(data: unknown): ParsedClientMessage {
  if (typeof data !== "string") return { ok: false, error: "expected a JSON text message" };
  if (data.length > MAX_MESSAGE_BYTES) {
    return { ok: false, error: `message over ${MAX_MESSAGE_BYTES} bytes` };
  }
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { ok: false, error: "message is not valid JSON" };
  }
  const result = clientMessageSchema.safeParse(json);
  if (result.success) return { ok: true, message: result.data };
  return { ok: false, error: describeIssues(result.error) };
}

/** Parses a frame from the server; null when it is not a valid message. */
export function parseServerMessage(data: unknown): ServerMessage | null {
  if (typeof data !== "string") return null;
  try {
    const result = serverMessageSchema.safeParse(JSON.parse(data));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

function describeIssues(error: z.core.$ZodError): string {
  return error.issues.slice(0, 3).map((issue) => {
    if (issue.path.length === 0 && issue.code === "invalid_type") {
      return 'expected an object like {"type": "subscribe", ...}';
    }
    if (issue.path.length === 1 && issue.path[0] === "type" || issue.code === "invalid_union") {
      return 'type: expected "subscribe", "unsubscribe", "ping" or "pong"';
    }
    if (issue.code === "unrecognized_keys") return `unknown field ${issue.keys.join(", ")}`;
    // Custom messages already name their field.
    if (/^\w+: /.test(issue.message)) return issue.message;
    const path = issue.path.join(".");
    return path ? `${path}: ${issue.message}` : issue.message;
  }).join("; ");
}
