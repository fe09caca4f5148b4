/**
 * A phone call through Twilio's Calls API (twilio.ts) that reads the alert out twice: for
 * whoever is on call at night, when a text is slept through. Only a monitor going down and
 * the reminders of an incident nobody acknowledged call; a recovery or a certificate
 * warning does not (fan_out.ts). The words go as TwiML (`<Say>`), escaped; a call cannot
 * carry an Acknowledge link.
 */
import { z } from "zod";
import type { Message } from "../message.ts";
import { escapeXml } from "../../../lib/xml.ts";
import { createResource, credentialFields, credentials, phoneNumber } from "./twilio.ts";
import type { Provider } from "./types.ts";

const schema = z.strictObject({
  ...credentials,
  from: phoneNumber("from"),
  to: phoneNumber("to"),
});

const UNITS: Record<string, string> = {
  d: "day",
  h: "hour",
  min: "minute",
  s: "second",
  ms: "millisecond",
};

/**
 * What is said: the title and the cause (or the channel), with durations in words; at
 * most 300 characters, so that said twice and escaped it stays within TwiML's 4,000.
 */
export function spokenText(message: Message): string {
  const detail = message.facts.find((f) => f.label === "Cause" || f.label === "Channel");
  const words = (text: string) =>
    text.replace(
      /\b(\d+) (d|h|min|ms|s)\b/g,
      (_, n: string, unit: string) => `${n} ${UNITS[unit]}${n === "1" ? "" : "s"}`,
    );
  return [
    "Uptime alert.",
    `${words(message.title)}.`,
    ...(detail ? [`${detail.label}: ${words(detail.value.slice(0, 120))}.`] : []),
  ].join(" ").slice(0, 300);
}

export const twilioCall: Provider<z.infer<typeof schema>> = {
  kind: "twilio_call",
  label: "Phone call (Twilio)",
  events: ["opened", "reminder"],
  fields: [
    ...credentialFields,
    {
      name: "from",
      label: "From",
      type: "text",
      required: true,
      placeholder: "+14155550100",
      help: "A Twilio number of yours that can make calls, in international form.",
    },
    {
      name: "to",
      label: "To",
      type: "text",
      required: true,
      placeholder: "+447700900123",
      help: "The phone to call, in international form. One number per channel.",
    },
  ],
  schema,
  acknowledgeLinks: () => false,
  urls: (_config, deployment) => [deployment.twilioUrl],
  send(message, config, context) {
    const say = `<Say>${escapeXml(spokenText(message))}</Say>`;
    return createResource(context, config, "Calls", {
      To: config.to,
      From: config.from,
      Twiml: `<Response>${say}<Pause length="1"/>${say}</Response>`,
    });
  },
};
