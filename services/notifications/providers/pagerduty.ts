/**
 * PagerDuty Events API v2 (`POST /v2/enqueue`): an incident triggers an alert and its
 * recovery resolves it, both with `dedup_key` = the incident id, so PagerDuty folds
 * repeats into one alert. The API's base URL is `PAGERDUTY_EVENTS_URL`.
 */
import { z } from "zod";
import { joinUrl, postJson } from "./http.ts";
import type { Provider } from "./types.ts";

const schema = z.strictObject({
  routingKey: z.string({ error: "routingKey: expected a string" }).trim()
    .regex(/^[A-Za-z0-9]{20,64}$/, "routingKey: expected the 32-character integration key"),
  severity: z.enum(["critical", "error", "warning", "info"], {
    error: "severity: expected critical, error, warning or info",
  }).default("critical"),
});

export const pagerduty: Provider<z.infer<typeof schema>> = {
  kind: "pagerduty",
  label: "PagerDuty",
  fields: [
    {
      name: "routingKey",
      label: "Integration key (Events API v2)",
      type: "password",
      required: true,
      secret: true,
    },
    {
      name: "severity",
      label: "Severity",
      type: "select",
      required: false,
      options: ["critical", "error", "warning", "info"],
    },
  ],
  schema,
  // PagerDuty acknowledges in PagerDuty, and escalates an alert nobody did by its own policy.
  // An escalation triggers it (once, when it is an escalation channel alone: same dedup key).
  events: ["opened", "escalated", "resolved", "certificate"],
  acknowledgeLinks: () => false,
  urls: (_config, deployment) => [deployment.pagerdutyUrl],
  send(message, config, context) {
    const url = joinUrl(context.deployment.pagerdutyUrl, "v2/enqueue");
    // A certificate folds into one alert per monitor until someone resolves it.
    const dedupKey = message.incidentId ??
      (message.type === "certificate"
        ? `uptime-certificate-${message.websiteId}`
        : `uptime-test-${context.channelId}`);
    if (message.type === "resolved") {
      return postJson(context, url, {
        routing_key: config.routingKey,
        event_action: "resolve",
        dedup_key: dedupKey,
      });
    }
    return postJson(context, url, {
      routing_key: config.routingKey,
      event_action: "trigger",
      dedup_key: dedupKey,
      payload: {
        summary: message.title.slice(0, 1024),
        source: message.url,
        severity: message.type === "test"
          ? "info"
          : message.type === "certificate"
          ? "warning"
          : config.severity,
        timestamp: new Date(message.startedAt ?? message.occurredAt).toISOString(),
        component: message.websiteName,
        custom_details: Object.fromEntries(message.facts.map((fact) => [fact.label, fact.value])),
      },
      client: "Uptime",
      client_url: message.link,
      links: [{ href: message.link, text: "Open in Uptime" }],
    });
  },
};
