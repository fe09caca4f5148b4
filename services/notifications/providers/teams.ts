/**
 * Microsoft Teams, through an incoming webhook or a Workflows ("Post to a channel when a
 * webhook request is received") URL: both take a message with an Adaptive Card.
 */
import { z } from "zod";
import { httpUrl, postJson } from "./http.ts";
import type { Provider } from "./types.ts";

const schema = z.strictObject({ webhookUrl: httpUrl("webhookUrl") });

/** Adaptive Card text colours. */
const COLORS = {
  opened: "Attention",
  reminder: "Attention",
  escalated: "Attention",
  resolved: "Good",
  certificate: "Warning",
  test: "Default",
};

export const teams: Provider<z.infer<typeof schema>> = {
  kind: "teams",
  label: "Microsoft Teams",
  fields: [{
    name: "webhookUrl",
    label: "Workflow or incoming webhook URL",
    type: "url",
    required: true,
    secret: true,
  }],
  schema,
  urls: (config) => [config.webhookUrl],
  send(message, config, context) {
    return postJson(context, config.webhookUrl, {
      type: "message",
      attachments: [{
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          body: [
            {
              type: "TextBlock",
              text: message.title,
              weight: "Bolder",
              size: "Medium",
              wrap: true,
              color: COLORS[message.type],
            },
            {
              type: "FactSet",
              facts: message.facts.map((fact) => ({ title: fact.label, value: fact.value })),
            },
          ],
          actions: [
            { type: "Action.OpenUrl", title: "Open in Uptime", url: message.link },
            ...(message.acknowledgeUrl
              ? [{ type: "Action.OpenUrl", title: "Acknowledge", url: message.acknowledgeUrl }]
              : []),
          ],
        },
      }],
    });
  },
};
