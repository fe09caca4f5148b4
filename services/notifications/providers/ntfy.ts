/**
 * ntfy (https://ntfy.sh or a self-hosted server): a JSON publish to the server's root
 * with topic, title, message, priority (5 when down, 3 otherwise), tags and a click URL.
 */
import { z } from "zod";
import { httpUrl, joinUrl, postJson } from "./http.ts";
import type { Provider } from "./types.ts";

const schema = z.strictObject({
  serverUrl: httpUrl("serverUrl").default("https://ntfy.sh"),
  topic: z.string({ error: "topic: expected a string" }).trim()
    .regex(/^[-_A-Za-z0-9]{1,64}$/, "topic: 1 to 64 letters, digits, - and _"),
  token: z.string({ error: "token: expected a string" }).trim()
    .regex(/^[\x21-\x7e]{1,200}$/, "token: an access token without spaces").optional(),
});

/** ntfy's priorities (5 max, 3 default) and tags, which it shows as emoji. */
const PRIORITIES = { opened: 5, reminder: 4, escalated: 5, resolved: 3, certificate: 4, test: 3 };
const TAGS = {
  opened: "red_circle",
  reminder: "alarm_clock",
  escalated: "rotating_light",
  resolved: "white_check_mark",
  certificate: "warning",
  test: "bell",
};

export const ntfy: Provider<z.infer<typeof schema>> = {
  kind: "ntfy",
  label: "ntfy",
  fields: [
    {
      name: "serverUrl",
      label: "Server URL",
      type: "url",
      required: false,
      placeholder: "https://ntfy.sh",
    },
    { name: "topic", label: "Topic", type: "text", required: true },
    {
      name: "token",
      label: "Access token",
      type: "password",
      required: false,
      secret: true,
      help: "Only for protected topics.",
    },
  ],
  schema,
  // A topic without a token is public: whoever reads it could silence the reminders.
  acknowledgeLinks: (config) => Boolean(config.token),
  urls: (config) => [config.serverUrl],
  send(message, config, context) {
    return postJson(context, joinUrl(config.serverUrl, ""), {
      topic: config.topic,
      title: message.title.slice(0, 250),
      message: message.facts.map((fact) => `${fact.label}: ${fact.value}`).join("\n"),
      priority: PRIORITIES[message.type],
      tags: [TAGS[message.type]],
      click: message.link,
      ...(message.acknowledgeUrl
        ? {
          actions: [{
            action: "view",
            label: "Acknowledge",
            url: message.acknowledgeUrl,
            clear: true,
          }],
        }
        : {}),
    }, {
      headers: config.token ? { authorization: `Bearer ${config.token}` } : {},
    });
  },
};
