/**
 * The Acknowledge link in a down alert: delivered by the dispatcher to local stand-ins of a
 * webhook receiver, Slack, PagerDuty, ntfy and Twilio; opened (which changes nothing) and used signed out,
 * over HTTP and in real Chromium; pressed as 1 on a phone call; and what it stops.
 */
import assert from "node:assert/strict";
import { eventually } from "../helpers/pipeline.ts";
import { APP_URL, notificationBed } from "../helpers/notifications.ts";
import { checkRow } from "../helpers/incidents.ts";
import {
  startNtfy,
  startPagerDuty,
  startSlack,
  startTwilio,
  startWebhookReceiver,
} from "../helpers/notification_stand_ins.ts";
import { closeBrowser, launchChromium, screenshots, watchProblems } from "../helpers/browser.ts";
import { evaluateStoredResults } from "../../services/incidents/evaluation/evaluate.ts";
import { remindOpenIncidents } from "../../services/incidents/reminders.ts";
import { twilioSignature } from "../../services/notifications/twilio_signature.ts";
import { relayIncidentEvents } from "../../services/incidents/evaluation/event_relay.ts";

/**
 * With the dispatcher running, the bed's monitor fails one check in "ams" and opens an
 * incident (reminded every 5 minutes) whose down alert goes out.
 */
async function goDown(bed: Awaited<ReturnType<typeof notificationBed>>) {
  await bed.owner.api.website.update.mutate({
    id: bed.website.id,
    confirmations: 1,
    quorum: "any",
    remindEveryMinutes: 5,
  });
  bed.startDispatcher();
  const slot = Math.floor(Date.now() / 1000) - 60;
  await evaluateStoredResults(bed.services.sql, [checkRow(bed.website.id, "ams", slot, false)]);
  // As the worker does after its evaluation: the outbox onto the stream.
  await relayIncidentEvents(bed.services.sql, bed.services.redis, bed.services.keys);
}

async function downAlerts() {
  const webhook = startWebhookReceiver();
  const slack = startSlack();
  const pagerduty = startPagerDuty();
  const ntfy = startNtfy();
  const sid = `AC${"5e".repeat(16)}`;
  const twilio = startTwilio(sid, "c".repeat(32));
  const bed = await notificationBed({
    REGIONS: "ams",
    REGION: "ams",
    PAGERDUTY_EVENTS_URL: pagerduty.url,
    TWILIO_API_URL: twilio.url,
  });
  const { api } = bed.owner;
  await api.notification.create.mutate({
    kind: "webhook",
    name: "Hook",
    config: { url: `${webhook.url}/hooks` },
  });
  await api.notification.create.mutate({
    kind: "slack",
    name: "Ops",
    config: { webhookUrl: `${slack.url}/services/T000/B000/XXXX` },
  });
  await api.notification.create.mutate({
    kind: "pagerduty",
    name: "Pager",
    config: { routingKey: "R0UT1NGKEY0123456789abcdefABCDEF" },
  });
  await api.notification.create.mutate({
    kind: "ntfy",
    name: "Public topic",
    config: { serverUrl: ntfy.url, topic: "shop-alerts" },
  });
  await api.notification.create.mutate({
    kind: "twilio_sms",
    name: "On-call phone",
    config: {
      accountSid: sid,
      authToken: "c".repeat(32),
      from: "+14155550100",
      to: "+31201234567",
    },
  });
  await goDown(bed);
  await eventually(
    () => [webhook, slack, pagerduty, ntfy, twilio].every((stand) => stand.requests.length === 1),
    15_000,
    "the down alerts",
  );
  const [incident] = (await api.incident.list.query()).incidents;
  /** The link as the alert has it, on the test server's address. */
  const local = (link: string) => link.replace(APP_URL, bed.server.url);
  return {
    bed,
    api,
    webhook,
    slack,
    pagerduty,
    ntfy,
    twilio,
    incident,
    local,
    async close() {
      await bed.close();
      await Promise.all(
        [webhook, slack, pagerduty, ntfy, twilio].map((stand) => stand.close()),
      );
    },
  };
}

Deno.test("a down alert's Acknowledge link acknowledges its incident signed out, once, and stops its reminders", async () => {
  const t = await downAlerts();
  try {
    const { bed, api, incident } = t;
    const link: string = t.webhook.requests[0].body.incident.acknowledgeUrl;
    assert.match(link, new RegExp(`^${APP_URL}/acknowledge\\?token=[A-Za-z0-9_-]{43}$`));
    assert.equal(t.webhook.requests[0].body.text.split("\n")[1], `Acknowledge: ${link}`);
    // Each delivery its own link; PagerDuty acknowledges in PagerDuty.
    const slackButtons = t.slack.requests[0].body.blocks.at(-1).elements;
    assert.deepEqual(slackButtons.map((b: { text: { text: string } }) => b.text.text), [
      "Open in Uptime",
      "Acknowledge",
    ]);
    assert.notEqual(slackButtons[1].url, link);
    assert.ok(!JSON.stringify(t.pagerduty.requests[0].body).includes("/acknowledge"));
    // Nor a public ntfy topic, which anyone could read.
    assert.equal(t.ntfy.requests[0].body.actions, undefined);
    // A text ends with its own: on a phone, one tap away.
    const texted = new URLSearchParams(t.twilio.requests[0].raw).get("Body")!.split("\n");
    assert.match(texted.at(-1)!, new RegExp(`^Acknowledge: ${APP_URL}/acknowledge\\?token=`));
    assert.notEqual(texted.at(-1), `Acknowledge: ${link}`);
    const stored = await bed.services.sql`select token_hash from incident_ack_links`;
    assert.equal(stored.length, 3);
    assert.ok(stored.every((row) => !link.includes(row.token_hash)), "only hashes are kept");

    // Opening it (as a mail scanner would) changes nothing.
    const opened = await fetch(t.local(link));
    assert.equal(opened.status, 200);
    assert.equal(opened.headers.get("cache-control"), "no-store");
    assert.match(await opened.text(), /Acknowledge incident/);
    assert.equal((await api.incident.get.query({ id: incident.id })).acknowledgedAt, null);

    const form = (token: string) => ({
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: bed.server.url,
      },
      body: new URLSearchParams({ token }).toString(),
    });
    const token = new URL(link).searchParams.get("token")!;
    const done = await fetch(`${bed.server.url}/acknowledge`, form(token));
    assert.equal(done.status, 200);
    assert.match(
      await done.text(),
      /Acknowledged\. Its channels are not reminded of it any more, nor does it escalate\./,
    );
    const acknowledged = await api.incident.get.query({ id: incident.id });
    assert.ok(acknowledged.acknowledgedAt !== null);
    assert.equal(acknowledged.acknowledgedBy, "someone with an alert's link");
    assert.equal(
      await remindOpenIncidents(
        { sql: bed.services.sql, redis: bed.services.redis, keys: bed.services.keys },
        new Date(Date.now() + 60 * 60_000),
      ),
      0,
      "no reminders once acknowledged",
    );

    // Every link of it is done; a made-up one never worked.
    const again = await fetch(t.local(slackButtons[1].url));
    assert.equal(again.status, 400);
    assert.match(await again.text(), /This link no longer works/);
    const forged = await fetch(`${bed.server.url}/acknowledge`, form("upt_guess"));
    assert.equal(forged.status, 400);
    await forged.body?.cancel();
    assert.equal((await bed.services.sql`select * from incident_ack_links`).length, 0);
  } finally {
    await t.close();
  }
});

Deno.test("pressing 1 on an alert's phone call acknowledges its incident; another key does not", async () => {
  const sid = `AC${"6f".repeat(16)}`;
  const twilio = startTwilio(sid, "d".repeat(32));
  const bed = await notificationBed({ REGIONS: "ams", REGION: "ams", TWILIO_API_URL: twilio.url });
  try {
    const { api } = bed.owner;
    const phone = await api.notification.create.mutate({
      kind: "twilio_call",
      name: "Night phone",
      config: {
        accountSid: sid,
        authToken: "d".repeat(32),
        from: "+14155550100",
        to: "+31201234567",
      },
    });
    await goDown(bed);
    await eventually(() => twilio.requests.length === 1, 15_000, "the call");

    // The alert said twice, each time with the prompt, inside a <Gather> of one key.
    const twiml = new URLSearchParams(twilio.requests[0].raw).get("Twiml")!;
    const gather = twiml.match(
      /^<Response><Gather numDigits="1" timeout="10" method="POST" action="([^"]+)">(.+)<\/Gather><\/Response>$/,
    );
    assert.ok(gather, twiml);
    const action = gather[1].replaceAll("&amp;", "&");
    assert.match(
      action,
      new RegExp(
        `^${APP_URL}/api/twilio/acknowledge\\?token=[A-Za-z0-9_-]{43}&channel=${phone.id}$`,
      ),
    );
    const said =
      /<Say>Uptime alert\. Shop is down\. Cause: [^<]+<\/Say><Say>To acknowledge, press 1\.<\/Say>/;
    assert.match(gather[2], new RegExp(`^${said.source}<Pause length="1"/>${said.source}$`));

    // As Twilio posts the key pressed, with the call's other fields, signed with the
    // account's auth token (twilioSignature: Twilio's documented recipe).
    const press = (digits: string, authToken = "d".repeat(32)) => {
      const fields = new URLSearchParams({
        To: "+31201234567",
        AccountSid: sid,
        Digits: digits,
        CallSid: `CA${"0".repeat(32)}`,
        From: "+14155550100",
      });
      return fetch(action.replace(APP_URL, bed.server.url), {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "x-twilio-signature": twilioSignature(authToken, action, fields),
        },
        body: fields.toString(),
      });
    };
    const [incident] = (await api.incident.list.query()).incidents;
    // Whoever has the address but not the channel's auth token acknowledges nothing.
    const forged = await press("1", "e".repeat(32));
    assert.equal(forged.status, 403);
    assert.match(await forged.text(), /<Say>Not acknowledged: this request is not from Twilio\./);
    assert.equal((await api.incident.get.query({ id: incident.id })).acknowledgedAt, null);
    const wrong = await press("2");
    assert.equal(wrong.headers.get("content-type"), "text/xml; charset=utf-8");
    assert.match(
      await wrong.text(),
      /<Response><Say>Not acknowledged\. Goodbye\.<\/Say><\/Response>$/,
    );
    assert.equal((await api.incident.get.query({ id: incident.id })).acknowledgedAt, null);

    const right = await press("1");
    assert.match(
      await right.text(),
      /<Say>Acknowledged\. The reminders and escalation of this incident stop\. Goodbye\.<\/Say>/,
    );
    const acknowledged = await api.incident.get.query({ id: incident.id });
    assert.ok(acknowledged.acknowledgedAt !== null);
    assert.equal(acknowledged.acknowledgedBy, "whoever answered an alert's phone call");
    assert.equal(
      await remindOpenIncidents(
        { sql: bed.services.sql, redis: bed.services.redis, keys: bed.services.keys },
        new Date(Date.now() + 60 * 60_000),
      ),
      0,
      "no reminders once acknowledged",
    );
    const again = await press("1");
    assert.match(
      await again.text(),
      /<Say>This incident was acknowledged already, or it has ended\./,
    );
  } finally {
    await bed.close();
    await twilio.close();
  }
});

Deno.test({
  name: "in Chromium: the Acknowledge link of an alert, signed out",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await downAlerts();
    const browser = await launchChromium();
    try {
      const link: string = t.webhook.requests[0].body.incident.acknowledgeUrl;
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      const problems = watchProblems(page);
      await page.goto(t.local(link));
      await page.getByRole("heading", { name: "Incident of Shop" }).waitFor();
      await screenshots(page, "acknowledge-link");
      await Promise.all([
        page.waitForEvent("load"),
        page.getByRole("button", { name: "Acknowledge incident" }).click(),
      ]);
      await page.getByRole("status").getByText("Acknowledged.").waitFor();
      await screenshots(page, "acknowledge-link-done");
      const incident = await t.api.incident.get.query({ id: t.incident.id });
      assert.ok(incident.acknowledgedAt !== null);
      assert.deepEqual(problems, []);
      await context.close();
    } finally {
      await closeBrowser(browser);
      await t.close();
    }
  },
});
