/**
 * A text message through Twilio's Messages API
 * (`TWILIO_API_URL`/2010-04-01/Accounts/<sid>/Messages.json, a form POST with the account's
 * SID and auth token as Basic credentials). One number per channel: Twilio has no
 * idempotency key, so a retry after a partly sent list would text the others again.
 *
 * The text is short, as a phone shows it: the title, the cause or the channel, the link,
 * and the Acknowledge link. Twilio answers 201 with the queued message, and errors as
 * `{code, message, more_info, status}`; only 429 and 5xx are tried again.
 */
import { z } from "zod";
import type { HttpAnswer } from "../guarded_post.ts";
import type { Message } from "../message.ts";
import { classifyHttp, joinUrl, postForm } from "./http.ts";
import type { Outcome, Provider } from "./types.ts";

/** "+1 (415) 555-0100" → "+14155550100": E.164, as Twilio takes it. */
const phoneNumber = (field: string) =>
  z.string({ error: `${field}: expected a string` }).trim()
    .transform((value) => value.replace(/[\s().-]/g, ""))
    .pipe(
      z.string().regex(
        /^\+[1-9]\d{6,14}$/,
        `${field}: expected a phone number in international form, such as +14155550100`,
      ),
    );

const schema = z.strictObject({
  accountSid: z.string({ error: "accountSid: expected a string" }).trim()
    .regex(/^AC[0-9a-fA-F]{32}$/, "accountSid: expected the Account SID, AC and 32 characters"),
  authToken: z.string({ error: "authToken: expected a string" }).trim()
    .regex(/^[0-9a-fA-F]{32}$/, "authToken: expected the 32-character auth token"),
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

function classify(answer: HttpAnswer): Outcome {
  const outcome = classifyHttp(answer);
  if (outcome.ok) return outcome;
  try {
    const body = JSON.parse(answer.body);
    if (body?.code && body?.message) {
      return {
        ...outcome,
        error: `HTTP ${answer.status}: Twilio error ${body.code}: ${
          String(body.message).slice(0, 200)
        }`,
      };
    }
  } catch {
    // not JSON: the generic summary stands
  }
  return outcome;
}

export const twilioSms: Provider<z.infer<typeof schema>> = {
  kind: "twilio_sms",
  label: "SMS (Twilio)",
  fields: [
    {
      name: "accountSid",
      label: "Account SID",
      type: "text",
      required: true,
      placeholder: "AC…",
      help: "On your Twilio console's start page, with the auth token.",
    },
    { name: "authToken", label: "Auth token", type: "password", required: true, secret: true },
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
    const url = joinUrl(
      context.deployment.twilioUrl,
      `2010-04-01/Accounts/${config.accountSid}/Messages.json`,
    );
    const sender: Record<string, string> = config.from.startsWith("MG")
      ? { MessagingServiceSid: config.from }
      : { From: config.from };
    return postForm(context, url, { To: config.to, ...sender, Body: smsText(message) }, {
      headers: { authorization: `Basic ${btoa(`${config.accountSid}:${config.authToken}`)}` },
      classify,
    });
  },
};
