/** A Discord webhook: `content` plus one embed; mentions are disabled so a monitor's name cannot ping @everyone. */
import { z } from "zod";
import { httpUrl, postJson } from "./http.ts";
import type { Provider } from "./types.ts";

const schema = z.strictObject({ webhookUrl: httpUrl("webhookUrl") });

const colors = {
  opened: 0xdc2626,
  reminder: 0xdc2626,
  escalated: 0xdc2626,
  resolved: 0x16a34a,
  certificate: 0xd97706,
  test: 0x2563eb,
};

export const discord: Provider<z.infer<typeof schema>> = {
  kind: "discord",
  label: "Discord",
  fields: [{
    name: "webhookUrl",
    label: "Webhook URL",
    type: "url",
    required: true,
    secret: true,
    placeholder: "https://discord.com/api/webhooks/…",
  }],
  schema,
  urls: (config) => [config.webhookUrl],
  send(message, config, context) {
    return postJson(context, config.webhookUrl, {
      content: message.title.slice(0, 2000),
      allowed_mentions: { parse: [] },
      embeds: [{
        title: message.title.slice(0, 256),
        url: message.link,
        ...(message.acknowledgeUrl
          ? { description: `[Acknowledge](${message.acknowledgeUrl})` }
          : {}),
        color: colors[message.type],
        timestamp: new Date(message.occurredAt).toISOString(),
        fields: message.facts.slice(0, 25).map((fact) => ({
          name: fact.label,
          value: fact.value.slice(0, 1024) || "-",
          inline: fact.label !== "URL" && fact.label !== "Cause",
        })),
      }],
    });
  },
};
