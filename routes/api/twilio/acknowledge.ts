/**
 * `/api/twilio/acknowledge?token=…`: where Twilio posts the key pressed on an alert's phone
 * call (providers/twilio_call.ts, `<Gather>`). 1 acknowledges the incident, as its
 * Acknowledge link does (services/incidents/acknowledge_link.ts): the token is the
 * authority, so no login and no Twilio signature (the link names no channel whose auth
 * token could check one). The answer is TwiML: what the caller hears next.
 */
import { define } from "../../../web/define.ts";
import { readForm } from "../../../web/forms.ts";
import { acknowledgeByLink } from "../../../services/incidents/acknowledge_link.ts";
import { escapeXml } from "../../../lib/xml.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const form = await readForm(ctx.req);
    const token = (ctx.url.searchParams.get("token") ?? "").slice(0, 200);
    if (form.get("Digits") !== "1") return say("Not acknowledged. Goodbye.");
    const outcome = await acknowledgeByLink(ctx.state.services.sql, token, null, "call");
    if (outcome?.acknowledged) {
      return say("Acknowledged. The reminders and escalation of this incident stop. Goodbye.");
    }
    return say("This incident was acknowledged already, or it has ended. Goodbye.");
  },
});

function say(text: string): Response {
  return new Response(
    `<?xml version="1.0" encoding="UTF-8"?><Response><Say>${escapeXml(text)}</Say></Response>`,
    {
      headers: { "content-type": "text/xml; charset=utf-8", "cache-control": "no-store" },
    },
  );
}
