/**
 * A phone call through Twilio's Calls API (twilio.ts) that reads the alert out twice: for
 * whoever is on call at night, when a text is slept through. Only a monitor going down and
 * the reminders of an incident nobody acknowledged call; a recovery or a certificate
 * warning does not (fan_out.ts). The words go as TwiML (`<Say>`), escaped. With an
 * Acknowledge link (message.ts) the call also says "To acknowledge, press 1": a `<Gather>`
 * sends the key pressed to routes/api/twilio/acknowledge.ts with the link's token and the
 * channel, whose auth token checks Twilio's signature (twilio_signature.ts).
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

/** TwiML's limit on a call's instructions, in characters. */
const TWIML_MAX = 4_000;

/** What is said: the title and the cause (or the channel), with durations in words. */
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
  events: ["opened", "reminder", "escalated"],
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
      help:
        "The phone to call, in international form; one number per channel. Pressing 1 on the call acknowledges the incident.",
    },
  ],
  schema,
  urls: (_config, deployment) => [deployment.twilioUrl],
  send(message, config, context) {
    return createResource(context, config, "Calls", {
      To: config.to,
      From: config.from,
      Twiml: callTwiml(message, context.channelId),
    });
  },
};

/**
 * The call's TwiML: the alert said twice and, with an Acknowledge link, a keypad prompt
 * whose answer Twilio posts to the link's token, naming the channel. The words are
 * shortened should escaping take it past {@link TWIML_MAX}.
 */
export function callTwiml(message: Message, channelId: string): string {
  const answerUrl = message.acknowledgeUrl
    ? keypadAnswerUrl(message.acknowledgeUrl, channelId)
    : null;
  const prompt = answerUrl ? "<Say>To acknowledge, press 1.</Say>" : "";
  const build = (text: string) => {
    const say = `<Say>${escapeXml(text)}</Say>${prompt}`;
    const both = `${say}<Pause length="1"/>${say}`;
    return answerUrl
      ? `<Response><Gather numDigits="1" timeout="10" method="POST" action="${
        escapeXml(answerUrl)
      }">${both}</Gather></Response>`
      : `<Response>${both}</Response>`;
  };
  let text = spokenText(message);
  let twiml = build(text);
  while (twiml.length > TWIML_MAX && text) twiml = build(text = text.slice(0, -20));
  return twiml;
}

/**
 * `…/acknowledge?token=…` → `…/api/twilio/acknowledge?token=…&channel=…`: where the keypad's
 * answer goes.
 */
function keypadAnswerUrl(acknowledgeUrl: string, channelId: string): string {
  const url = new URL(acknowledgeUrl);
  url.pathname = "/api/twilio/acknowledge";
  url.searchParams.set("channel", channelId);
  return url.href;
}
