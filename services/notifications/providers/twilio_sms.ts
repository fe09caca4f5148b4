/**
 * A text message through Twilio's Messages API (twilio.ts). The text is short, as a phone
 * shows it: the title, the cause or the channel, the link, and the Acknowledge link.
 * Twilio answers 201 with the queued message.
 */
import { z } from "zod";
import type { Message } from "../message.ts";
import { createResource, credentialFields, credentials, phoneNumber } from "./twilio.ts";
import type { Provider } from "./types.ts";

const schema = z.strictObject({
  ...credentials,
  from: z.union([
    z.string().trim().regex(/^MG[0-9a-fA-F]{32}$/),
    phoneNumber("from"),
  ], {
    error:
      "from: expected a Twilio number in international form (+14155550100) or a Messaging Service SID (MG…)",
  }),
  to: phoneNumber("to"),
});

const DETAIL_CHARS = 120;

/** Well under Twilio's 1,600 characters: a title names a monitor in at most 200. */
function smsText(message: Message): string {
  const detail = message.facts.find((f) => f.label === "Cause" || f.label === "Channel");
  const value = detail && detail.value.length > DETAIL_CHARS
    ? `${detail.value.slice(0, DETAIL_CHARS - 3)}...` // "…" would make it a UCS-2 text
    : detail?.value;
  return [
    message.title,
    ...(detail ? [`${detail.label}: ${value}`] : []),
    message.link,
    ...(message.acknowledgeUrl ? [`Acknowledge: ${message.acknowledgeUrl}`] : []),
  ].join("\n");
}

export const twilioSms: Provider<z.infer<typeof schema>> = {
  kind: "twilio_sms",
  label: "SMS (Twilio)",
  fields: [
    ...credentialFields,
    {
      name: "from",
      label: "From",
      type: "text",
      required: true,
      placeholder: "+14155550100",
      help: "A Twilio number of yours in international form, or a Messaging Service SID (MG…).",
    },
    {
      name: "to",
      label: "To",
      type: "text",
      required: true,
      placeholder: "+447700900123",
      help: "The phone to text, in international form. One number per channel.",
    },
  ],
  schema,
  urls: (_config, deployment) => [deployment.twilioUrl],
  send(message, config, context) {
    const sender: Record<string, string> = config.from.startsWith("MG")
      ? { MessagingServiceSid: config.from }
      : { From: config.from };
    return createResource(context, config, "Messages", {
      To: config.to,
      ...sender,
      Body: smsText(message),
    });
  },
};
