/**
 * A generic webhook: the JSON body documented in the README ("Webhook notifications"),
 * signed so the receiver can prove it came from us and is fresh:
 *
 *   X-Uptime-Timestamp: <unix seconds>
 *   X-Uptime-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>
 *   Idempotency-Key:    <event id>   (the same on every attempt)
 */
import { createHmac, randomBytes } from "node:crypto";
import { z } from "zod";
import type { Message } from "../message.ts";
import { httpUrl, postJson } from "./http.ts";
import type { Provider } from "./types.ts";

const schema = z.strictObject({
  url: httpUrl("url"),
  secret: z.string({ error: "secret: expected a string" })
    .min(16, "secret: at least 16 characters")
    .max(200, "secret: at most 200 characters")
    .regex(/^[\x21-\x7e]+$/, "secret: printable ASCII without spaces")
    .default(() => `whsec_${randomBytes(24).toString("base64url")}`),
});

/** The documented body (README, "Webhook notifications"). */
export function webhookBody(message: Message) {
  const iso = (ms: number | null) => ms === null ? null : new Date(ms).toISOString();
  return {
    id: message.eventId,
    type: message.type === "test"
      ? "test"
      : message.type === "certificate"
      ? "certificate.expiring"
      : `incident.${message.type}`,
    occurredAt: iso(message.occurredAt),
    monitor: message.websiteId === null ? null : {
      id: message.websiteId,
      name: message.websiteName,
      url: message.url,
      dashboardUrl: message.dashboardUrl,
    },
    incident: message.incidentId === null ? null : {
      id: message.incidentId,
      url: message.incidentUrl,
      startedAt: iso(message.startedAt),
      resolvedAt: iso(message.resolvedAt),
      resolvedBy: message.resolvedBy,
      durationSeconds: message.durationMs === null ? null : Math.round(message.durationMs / 1000),
      failingRegions: message.failingRegions,
      totalRegions: message.totalRegions,
      cause: message.cause,
      reminder: message.reminder,
      acknowledgeUrl: message.acknowledgeUrl,
    },
    certificate: message.certificate === null ? null : {
      daysLeft: message.certificate.daysLeft,
      expiresAt: iso(message.certificate.expiresAt),
    },
    title: message.title,
    text: message.text,
  };
}

/** The signature header's value for a body sent at `timestamp` (unix seconds). */
export function sign(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export const webhook: Provider<z.infer<typeof schema>> = {
  kind: "webhook",
  label: "Webhook",
  fields: [
    {
      name: "url",
      label: "URL",
      type: "url",
      required: true,
      placeholder: "https://example.com/hooks/uptime",
    },
    {
      name: "secret",
      label: "Signing secret",
      type: "password",
      required: false,
      secret: true,
      help: "Leave empty to have one generated (shown once). Used for X-Uptime-Signature.",
    },
  ],
  schema,
  urls: (config) => [config.url],
  send(message, config, context) {
    const body = JSON.stringify(webhookBody(message));
    const timestamp = Math.floor(Date.now() / 1000);
    return postJson(context, config.url, body, {
      headers: {
        "idempotency-key": context.idempotencyKey,
        "x-uptime-event": message.type,
        "x-uptime-timestamp": String(timestamp),
        "x-uptime-signature": sign(config.secret, timestamp, body),
      },
    });
  },
};
