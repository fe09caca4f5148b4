/**
 * `/api/twilio/acknowledge?token=…&channel=…`: where Twilio posts the key pressed on an
 * alert's phone call (providers/twilio_call.ts, `<Gather>`). 1 acknowledges the incident,
 * as its Acknowledge link does (services/incidents/acknowledge_link.ts): the token is the
 * authority, so no login; and only Twilio's post counts, signed with the auth token of the
 * channel that made the call (services/notifications/twilio_signature.ts). The answer is
 * TwiML: what the caller hears next.
 */
import { define } from "../../../web/define.ts";
import { readForm } from "../../../web/forms.ts";
import { acknowledgeByLink } from "../../../services/incidents/acknowledge_link.ts";
import { escapeXml } from "../../../lib/xml.ts";
import { signedByTwilio } from "../../../services/notifications/twilio_signature.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const form = await readForm(ctx.req);
    const token = (ctx.url.searchParams.get("token") ?? "").slice(0, 200);
    // Signed for the address Twilio was given (APP_URL), not the one a proxy passed on.
    const signed = await signedByTwilio(
      ctx.state.services.sql,
      ctx.state.services.config.secretKeys,
      ctx.url.searchParams.get("channel") ?? "",
      new URL(ctx.url.pathname + ctx.url.search, ctx.state.services.config.appUrl).href,
      form,
      ctx.req.headers.get("x-twilio-signature") ?? "",
    );
    if (!signed) return say("Not acknowledged: this request is not from Twilio.", 403);
    if (form.get("Digits") !== "1") return say("Not acknowledged. Goodbye.");
    const outcome = await acknowledgeByLink(ctx.state.services.sql, token, null, "call");
    if (outcome?.acknowledged) {
      return say("Acknowledged. The reminders and escalation of this incident stop. Goodbye.");
    }
    return say("This incident was acknowledged already, or it has ended. Goodbye.");
  },
});

function say(text: string, status = 200): Response {
  return new Response(
    `<?xml version="1.0" encoding="UTF-8"?><Response><Say>${escapeXml(text)}</Say></Response>`,
    {
      status,
      headers: { "content-type": "text/xml; charset=utf-8", "cache-control": "no-store" },
    },
  );
}
