/** A Slack incoming webhook: `text` for notifications and fallbacks, `blocks` for the layout. */
import { z } from "zod";
import { httpUrl, postJson } from "./http.ts";
import type { Provider } from "./types.ts";
import { TYPE_ICONS } from "../message.ts";

const schema = z.strictObject({ webhookUrl: httpUrl("webhookUrl") });

// Slack's mrkdwn treats these three as markup; everything else is literal.
const escape = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

export const slack: Provider<z.infer<typeof schema>> = {
  kind: "slack",
  label: "Slack",
  fields: [{
    name: "webhookUrl",
    label: "Incoming webhook URL",
    type: "url",
    required: true,
    secret: true,
    placeholder: "https://hooks.slack.com/services/…",
  }],
  schema,
  urls: (config) => [config.webhookUrl],
  send(message, config, context) {
    const icon = TYPE_ICONS[message.type];
    return postJson(context, config.webhookUrl, {
      // The notification's text is mrkdwn too: a monitor named <!channel> mentions nobody.
      text: `${icon} ${escape(message.title)}`,
      blocks: [
        {
          type: "header",
          text: { type: "plain_text", text: `${icon} ${message.title}`.slice(0, 150) },
        },
        {
          type: "section",
          fields: message.facts.map((fact) => ({
            type: "mrkdwn",
            text: `*${fact.label}*\n${escape(fact.value)}`.slice(0, 2000),
          })).slice(0, 10),
        },
        {
          type: "actions",
          elements: [
            {
              type: "button",
              text: { type: "plain_text", text: "Open in Uptime" },
              url: message.link,
            },
            ...(message.acknowledgeUrl
              ? [{
                type: "button",
                text: { type: "plain_text", text: "Acknowledge" },
                url: message.acknowledgeUrl,
              }]
              : []),
          ],
        },
      ],
    });
  },
};
