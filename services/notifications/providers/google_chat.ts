/**
 * Google Chat, through a space's incoming webhook: the message's plain text (title, facts
 * and link; Chat links the URL itself). Every message about one incident goes into one
 * thread (`threadKey` = the incident id), so its recovery answers its alert; a monitor's
 * certificate warnings go into one of their own.
 *
 * Chat reads `<…>` in text as a link or a mention (`<https://x|label>`, `<users/all>`), and
 * the text holds what others wrote (a monitor's name, a DNS answer): a zero-width space after
 * each `<` keeps it text.
 */
import { z } from "zod";
import { httpUrl, postJson } from "./http.ts";
import type { Provider } from "./types.ts";
import { TYPE_ICONS } from "../message.ts";

const schema = z.strictObject({ webhookUrl: httpUrl("webhookUrl") });

export const googleChat: Provider<z.infer<typeof schema>> = {
  kind: "google_chat",
  label: "Google Chat",
  fields: [{
    name: "webhookUrl",
    label: "Incoming webhook URL",
    type: "url",
    required: true,
    secret: true,
    placeholder: "https://chat.googleapis.com/v1/spaces/…/messages?key=…",
    help: "In the space: Apps & integrations, Webhooks, Add webhook.",
  }],
  schema,
  urls: (config) => [config.webhookUrl],
  send(message, config, context) {
    const url = new URL(config.webhookUrl);
    const threadKey = message.incidentId ??
      (message.websiteId ? `certificate-${message.websiteId}` : null);
    // Without a thread it has made, Chat starts one rather than refusing the message.
    if (threadKey) {
      url.searchParams.set("messageReplyOption", "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD");
    }
    return postJson(context, url.href, {
      // Chat's limit is 32,000 bytes; alerts are far shorter.
      text: `${TYPE_ICONS[message.type]} ${message.text.replaceAll("<", "<\u200b")}`.slice(0, 4000),
      ...(threadKey ? { thread: { threadKey } } : {}),
    }, { headers: { "content-type": "application/json; charset=UTF-8" } });
  },
};
