/**
 * What the Twilio providers share (twilio_sms.ts, twilio_call.ts): the account's
 * credentials and phone numbers as settings, a form POST to a resource of the account's
 * REST API (`TWILIO_API_URL`/2010-04-01/Accounts/<sid>/<resource>.json) with the SID and
 * auth token as Basic credentials, and Twilio's errors, `{code, message, more_info,
 * status}`, in its own words. One number per channel: Twilio has no idempotency key, so a
 * retry after a partly served list would reach the others again.
 */
import { z } from "zod";
import type { HttpAnswer } from "../guarded_post.ts";
import { classifyHttp, joinUrl, postForm } from "./http.ts";
import type { ConfigField, Outcome, SendContext } from "./types.ts";

/** "+1 (415) 555-0100" → "+14155550100": E.164, as Twilio takes it. */
export const phoneNumber = (field: string) =>
  z.string({ error: `${field}: expected a string` }).trim()
    .transform((value) => value.replace(/[\s().-]/g, ""))
    .pipe(
      z.string().regex(
        /^\+[1-9]\d{6,14}$/,
        `${field}: expected a phone number in international form, such as +14155550100`,
      ),
    );

export const credentials = {
  accountSid: z.string({ error: "accountSid: expected a string" }).trim()
    .regex(/^AC[0-9a-fA-F]{32}$/, "accountSid: expected the Account SID, AC and 32 characters"),
  authToken: z.string({ error: "authToken: expected a string" }).trim()
    .regex(/^[0-9a-fA-F]{32}$/, "authToken: expected the 32-character auth token"),
};

export const credentialFields: readonly ConfigField[] = [
  {
    name: "accountSid",
    label: "Account SID",
    type: "text",
    required: true,
    placeholder: "AC…",
    help: "On your Twilio console's start page, with the auth token.",
  },
  { name: "authToken", label: "Auth token", type: "password", required: true, secret: true },
];

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

/** Creates `resource` ("Messages", "Calls") of the account with these form fields. */
export function createResource(
  context: SendContext,
  config: { accountSid: string; authToken: string },
  resource: string,
  fields: Record<string, string>,
): Promise<Outcome> {
  const url = joinUrl(
    context.deployment.twilioUrl,
    `2010-04-01/Accounts/${config.accountSid}/${resource}.json`,
  );
  return postForm(context, url, fields, {
    headers: { authorization: `Basic ${btoa(`${config.accountSid}:${config.authToken}`)}` },
    classify,
  });
}
