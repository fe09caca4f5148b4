/**
 * Pushover (`PUSHOVER_API_URL`/1/messages.json): a push to a user's or a group's devices,
 * with high priority (sound, past quiet hours) when a monitor goes down. Pushover answers
 * `{status: 1}` when it took the message and `{status: 0, errors: [...]}` when not; it asks
 * that no 4xx be sent again (429: the application's monthly messages are spent), only 5xx.
 */
import { z } from "zod";
import type { HttpAnswer } from "../guarded_post.ts";
import { classifyHttp, joinUrl, postJson } from "./http.ts";
import type { Outcome, Provider } from "./types.ts";

const key = (field: string, what: string) =>
  z.string({ error: `${field}: expected a string` }).trim()
    .regex(/^[A-Za-z0-9]{30}$/, `${field}: expected the 30-character ${what}`);

const schema = z.strictObject({
  userKey: key("userKey", "user or group key"),
  appToken: key("appToken", "application API token"),
  device: z.string({ error: "device: expected a string" }).trim()
    .regex(/^[A-Za-z0-9_-]{1,25}(,[A-Za-z0-9_-]{1,25})*$/, "device: device names, comma-separated")
    .optional(),
});

/** High (1) bypasses quiet hours; emergency (2) would repeat until acknowledged in Pushover. */
const PRIORITIES = { opened: 1, reminder: 1, escalated: 1, resolved: 0, certificate: 0, test: 0 };

function classify(answer: HttpAnswer): Outcome {
  const http = classifyHttp(answer);
  if (http.ok) return http;
  const outcome = answer.status < 500 ? { ...http, retry: false, retryAfterMs: undefined } : http;
  try {
    const errors = JSON.parse(answer.body)?.errors;
    if (Array.isArray(errors) && errors.length) {
      return { ...outcome, error: `HTTP ${answer.status}: ${errors.join("; ").slice(0, 200)}` };
    }
  } catch {
    // not JSON: the generic summary stands
  }
  return outcome;
}

export const pushover: Provider<z.infer<typeof schema>> = {
  kind: "pushover",
  label: "Pushover",
  fields: [
    {
      name: "userKey",
      label: "User or group key",
      type: "password",
      required: true,
      secret: true,
      help: "On your Pushover dashboard, top right.",
    },
    {
      name: "appToken",
      label: "Application API token",
      type: "password",
      required: true,
      secret: true,
      help: "Create an application at pushover.net/apps/build.",
    },
    {
      name: "device",
      label: "Devices",
      type: "text",
      required: false,
      help: "Optional: only these devices (names, comma-separated); empty: every device.",
    },
  ],
  schema,
  urls: (_config, deployment) => [deployment.pushoverUrl],
  send(message, config, context) {
    return postJson(context, joinUrl(context.deployment.pushoverUrl, "1/messages.json"), {
      token: config.appToken,
      user: config.userKey,
      ...(config.device ? { device: config.device } : {}),
      title: message.title.slice(0, 250),
      // The link to acknowledge last, where a cut could not lose it.
      message: (message.facts.map((fact) => `${fact.label}: ${fact.value}`).join("\n")
        .slice(0, message.acknowledgeUrl ? 1024 - message.acknowledgeUrl.length - 14 : 1024)) +
        (message.acknowledgeUrl ? `\nAcknowledge: ${message.acknowledgeUrl}` : ""),
      url: message.link.slice(0, 512),
      url_title: message.incidentUrl ? "Open the incident" : "Open in Uptime",
      priority: PRIORITIES[message.type],
      timestamp: Math.floor(message.occurredAt / 1000),
    }, { classify });
  },
};
