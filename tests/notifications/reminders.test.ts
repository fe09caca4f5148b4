/**
 * Reminders of an incident nobody has acknowledged: the leader's sweep, as the publisher
 * runs it, at chosen times after the incident opened (the evaluation opens it from stored
 * results); the dispatcher delivers to local stand-ins of a webhook receiver, Slack and
 * PagerDuty.
 */
import assert from "node:assert/strict";
import { eventually } from "../helpers/pipeline.ts";
import { notificationBed } from "../helpers/notifications.ts";
import { checkRow } from "../helpers/incidents.ts";
import {
  startPagerDuty,
  startSlack,
  startTwilio,
  startWebhookReceiver,
} from "../helpers/notification_stand_ins.ts";
import { evaluateStoredResults } from "../../services/incidents/evaluation/evaluate.ts";
import { remindOpenIncidents } from "../../services/incidents/reminders.ts";
import { relayIncidentEvents } from "../../services/incidents/evaluation/event_relay.ts";
import { errorMessage } from "../helpers/api.ts";

const MINUTE = 60_000;

async function reminderBed() {
  const webhook = startWebhookReceiver();
  const slack = startSlack();
  const pagerduty = startPagerDuty();
  const bed = await notificationBed({
    REGIONS: "ams",
    REGION: "ams",
    PAGERDUTY_EVENTS_URL: pagerduty.url,
  });
  const api = bed.owner.api;
  const channels: [kind: "webhook" | "slack" | "pagerduty", config: Record<string, string>][] = [
    ["webhook", { url: `${webhook.url}/hooks`, secret: "s3cret-s3cret-s3cret" }],
    ["slack", { webhookUrl: `${slack.url}/services/T000/B000/XXXX` }],
    ["pagerduty", { routingKey: "R0UT1NGKEY0123456789abcdefABCDEF" }],
  ];
  for (const [kind, config] of channels) {
    await api.notification.create.mutate({ kind, config, name: `My ${kind}` });
  }
  const sweep = (at: number) =>
    remindOpenIncidents({
      sql: bed.services.sql,
      redis: bed.services.redis,
      keys: bed.services.keys,
    }, new Date(at));
  /** Opens an incident of the monitor as its checks would; returns it and when it opened. */
  const openIncident = async (websiteId: string) => {
    await api.website.update.mutate({ id: websiteId, confirmations: 1, quorum: "any" });
    const slot = Math.floor(Date.now() / 1000) - 60;
    await evaluateStoredResults(bed.services.sql, [checkRow(websiteId, "ams", slot, false)]);
    const [row] = await bed.services.sql`
      select id, ceil(extract(epoch from created_at) * 1000)::float8 as opened
      from incidents where website_id = ${websiteId} and resolved_at is null`;
    return { id: row.id as string, opened: row.opened as number };
  };
  return {
    bed,
    api,
    webhook,
    slack,
    pagerduty,
    sweep,
    openIncident,
    async close() {
      await bed.close();
      await Promise.all([webhook.close(), slack.close(), pagerduty.close()]);
    },
  };
}

Deno.test("an incident nobody acknowledges reminds the monitor's channels at its pace until someone does; PagerDuty escalates by itself", async () => {
  const t = await reminderBed();
  try {
    const { api, bed, webhook, slack, pagerduty } = t;
    assert.equal(
      await errorMessage(api.website.update.mutate({ id: bed.website.id, remindEveryMinutes: 4 })),
      "BAD_REQUEST: remindEveryMinutes: at least 5",
    );
    const updated = await api.website.update.mutate({ id: bed.website.id, remindEveryMinutes: 30 });
    assert.equal(updated.remindEveryMinutes, 30);
    const incident = await t.openIncident(bed.website.id);
    bed.startDispatcher();

    assert.equal(await t.sweep(incident.opened + 29 * MINUTE), 0, "not yet");
    assert.equal(await t.sweep(incident.opened + 30 * MINUTE), 1);
    await eventually(
      () => webhook.requests.length === 2 && slack.requests.length === 2,
      15_000,
      "the down alert and a reminder",
    );
    const reminder = webhook.requests.find((r) => r.body.type === "incident.reminder")!;
    assert.equal(reminder.headers.get("idempotency-key"), `${incident.id}:reminder:1`);
    assert.equal(reminder.headers.get("x-uptime-event"), "reminder");
    assert.match(reminder.body.title, /^Shop is still down after 31 min( \d+ s)?$/);
    assert.equal(reminder.body.incident.id, incident.id);
    assert.equal(reminder.body.incident.reminder, 1);
    assert.equal(reminder.body.incident.resolvedAt, null);
    assert.match(reminder.body.text, /Acknowledge it on its page to stop the reminders/);
    const slackReminder = slack.requests.map((r) => r.body.text).find((text) => /⏰/.test(text));
    assert.match(slackReminder, /^⏰ Shop is still down after 31 min/);

    // Not again until another half hour has passed, then the second.
    assert.equal(await t.sweep(incident.opened + 31 * MINUTE), 0);
    assert.equal(await t.sweep(incident.opened + 60 * MINUTE), 1);
    await eventually(() => webhook.requests.length === 3, 15_000, "the second reminder");
    assert.equal(webhook.requests[2].headers.get("idempotency-key"), `${incident.id}:reminder:2`);

    // Acknowledged: no more.
    await api.incident.acknowledge.mutate({ id: incident.id });
    assert.equal(await t.sweep(incident.opened + 120 * MINUTE), 0);
    await eventually(() => bed.settled(), 15_000, "nothing left to send");
    assert.equal(webhook.requests.length, 3);
    assert.equal(slack.requests.length, 3);
    assert.deepEqual(
      pagerduty.requests.map((r) => r.body.event_action),
      ["trigger"],
      "PagerDuty was told once",
    );

    const channels = await api.notification.list.query();
    const hook = channels.find((c) => c.kind === "webhook")!;
    const deliveries = await api.notification.deliveries.query({ id: hook.id });
    assert.deepEqual(deliveries.map((d) => [d.label, d.status]), [
      ["Reminder", "delivered"],
      ["Reminder", "delivered"],
      ["Down", "delivered"],
    ]);
  } finally {
    await t.close();
  }
});

Deno.test("no reminder goes out once the incident is acknowledged, nor for a monitor paused, in maintenance or reminding never", async () => {
  const t = await reminderBed();
  try {
    const { api, bed, webhook } = t;
    await api.website.update.mutate({ id: bed.website.id, remindEveryMinutes: 10 });
    const maintained = await api.website.create.mutate({
      url: "https://api.example.com/",
      remindEveryMinutes: 10,
    });
    const paused = await api.website.create.mutate({
      url: "https://old.example.com/",
      remindEveryMinutes: 10,
    });
    const never = await api.website.create.mutate({ url: "https://blog.example.com/" });
    assert.equal(never.remindEveryMinutes, null);
    const shop = await t.openIncident(bed.website.id);
    const api2 = await t.openIncident(maintained.id);
    await t.openIncident(paused.id);
    await t.openIncident(never.id);
    await api.website.setActive.mutate({ id: paused.id, active: false });
    await api.maintenance.create.mutate({
      title: "Database upgrade",
      startsAt: api2.opened + 5 * MINUTE,
      endsAt: api2.opened + 60 * MINUTE,
      websiteIds: [maintained.id],
    });

    // Due, but queued while nobody sends; acknowledged before the dispatcher gets to it.
    assert.equal(await t.sweep(shop.opened + 15 * MINUTE), 1, "the shop's alone");
    await api.incident.acknowledge.mutate({ id: shop.id });
    bed.startDispatcher();
    await eventually(() => bed.settled(), 15_000, "everything queued is settled");
    const titles = webhook.requests.map((r) => r.body.title).sort();
    assert.deepEqual(titles, [
      "Shop is down",
      "api.example.com is down",
      "blog.example.com is down",
      "old.example.com is down",
    ]);
    const hook = (await api.notification.list.query()).find((c) => c.kind === "webhook")!;
    const [skipped] = await api.notification.deliveries.query({ id: hook.id });
    assert.deepEqual([skipped.label, skipped.status, skipped.attempts, skipped.error], [
      "Reminder",
      "skipped",
      0,
      "the incident was acknowledged",
    ]);

    // Once its maintenance is over, the monitor still down is reminded.
    assert.equal(await t.sweep(api2.opened + 70 * MINUTE), 1);
    await eventually(() => webhook.requests.length === 5, 15_000, "the reminder after maintenance");
    assert.equal(webhook.requests[4].body.title.startsWith("api.example.com is still down"), true);

    // Paused for a while and resumed: reminded a whole interval after the resume, not at once.
    await api.website.setActive.mutate({ id: paused.id, active: true });
    const [{ resumed }] = await bed.services.sql`
      select ceil(extract(epoch from resumed_at) * 1000)::float8 as resumed
      from websites where id = ${paused.id}`;
    assert.equal(await t.sweep(resumed + 9 * MINUTE), 0);
    assert.equal(await t.sweep(resumed + 10 * MINUTE), 1);
    await eventually(() => webhook.requests.length === 6, 15_000, "the resumed monitor's reminder");
    assert.match(webhook.requests[5].body.title, /^old\.example\.com is still down/);
  } finally {
    await t.close();
  }
});

Deno.test("a channel that could not take alerts for a while hears the down alert first, then only the newest reminder", async () => {
  const t = await reminderBed();
  try {
    const { api, bed, webhook } = t;
    await api.website.update.mutate({ id: bed.website.id, remindEveryMinutes: 10 });
    const incident = await t.openIncident(bed.website.id);
    assert.equal(await t.sweep(incident.opened + 10 * MINUTE), 1);
    assert.equal(await t.sweep(incident.opened + 20 * MINUTE + 30_000), 1);
    // The down alert hangs at the receiver until both reminders are queued behind it.
    const receiver = webhook.hang();
    bed.startDispatcher();
    await eventually(
      async () => {
        const [{ queued }] = await bed.services.sql`
        select count(*)::int as queued from notification_deliveries where event_type = 'reminder'`;
        return queued === 4; // webhook and Slack, two each; PagerDuty none
      },
      15_000,
      "both reminders queued",
    );
    receiver.release();
    await eventually(() => bed.settled(), 15_000, "everything settled");
    assert.deepEqual(
      webhook.requests.map((r) => [r.body.type, r.headers.get("idempotency-key")]),
      [
        ["incident.opened", `${incident.id}:opened`],
        ["incident.reminder", `${incident.id}:reminder:2`],
      ],
    );
    const hook = (await api.notification.list.query()).find((c) => c.kind === "webhook")!;
    const deliveries = await api.notification.deliveries.query({ id: hook.id });
    assert.deepEqual(deliveries.map((d) => [d.eventId.split(":").slice(1).join(":"), d.status]), [
      ["reminder:2", "delivered"],
      ["reminder:1", "skipped"],
      ["opened", "delivered"],
    ]);
    assert.equal(deliveries[1].error, "a newer reminder replaced it");
  } finally {
    await t.close();
  }
});

Deno.test("a phone call channel is called when a monitor goes down and for each reminder, never for its recovery", async () => {
  const sid = `AC${"3c".repeat(16)}`;
  const token = "b".repeat(32);
  const webhook = startWebhookReceiver();
  const twilio = startTwilio(sid, token);
  const bed = await notificationBed({ REGIONS: "ams", REGION: "ams", TWILIO_API_URL: twilio.url });
  try {
    const { api } = bed.owner;
    await api.notification.create.mutate({
      kind: "webhook",
      name: "Hook",
      config: { url: `${webhook.url}/hooks` },
    });
    const phone = await api.notification.create.mutate({
      kind: "twilio_call",
      name: "On call",
      config: { accountSid: sid, authToken: token, from: "+14155550100", to: "+447700900123" },
    });
    const id = bed.website.id;
    await api.website.update.mutate({
      id,
      confirmations: 1,
      quorum: "any",
      remindEveryMinutes: 60,
    });
    const slot = Math.floor(Date.now() / 1000) - 60;
    // As the worker does: evaluate, then send the outbox onto the stream.
    const evaluate = async (up: boolean, at: number) => {
      await evaluateStoredResults(bed.services.sql, [checkRow(id, "ams", at, up)]);
      await relayIncidentEvents(bed.services.sql, bed.services.redis, bed.services.keys);
    };
    await evaluate(false, slot);
    const [incident] = await bed.services.sql`
      select ceil(extract(epoch from created_at) * 1000)::float8 as opened
      from incidents where website_id = ${id} and resolved_at is null`;
    bed.startDispatcher();
    await eventually(() => twilio.requests.length === 1, 15_000, "the call for the down alert");
    const services = bed.services;
    const sweep = (at: number) =>
      remindOpenIncidents(
        { sql: services.sql, redis: services.redis, keys: services.keys },
        new Date(at),
      );
    assert.equal(await sweep(incident.opened + 65 * MINUTE), 1);
    await eventually(() => twilio.requests.length === 2, 15_000, "the call for the reminder");
    await evaluate(true, slot + 1);
    await eventually(() => webhook.requests.length === 3, 15_000, "every alert at the webhook");
    await eventually(() => bed.settled(), 15_000, "the deliveries to settle");

    assert.deepEqual(twilio.requests.map((r) => r.path.split("/").at(-1)), [
      "Calls.json",
      "Calls.json",
    ]);
    const said = twilio.requests.map((r) => new URLSearchParams(r.raw).get("Twiml")!);
    assert.match(said[0], /^<Response><Gather [^>]+><Say>Uptime alert\. Shop is down\. Cause: /);
    // Durations in words, as a voice reads them.
    assert.match(said[1], /<Say>Uptime alert\. Shop is still down after 1 hour \d+ minutes?\./);
    const deliveries = await api.notification.deliveries.query({ id: phone.id });
    assert.deepEqual(deliveries.map((d) => [d.type, d.status]).sort(), [
      ["opened", "delivered"],
      ["reminder", "delivered"],
    ]);

    // A call that fails, and whose incident is acknowledged before its retry, is not made
    // again: no recovery would follow it.
    const gate = twilio.hang();
    twilio.failNext(1, () => new Response("busy", { status: 503 }));
    await evaluate(false, slot + 2);
    await eventually(() => twilio.requests.length === 3, 15_000, "the second incident's call");
    const [second] = await bed.services.sql`
      select id from incidents where website_id = ${id} and resolved_at is null`;
    await api.incident.acknowledge.mutate({ id: second.id });
    gate.release();
    await eventually(
      async () => {
        const [latest] = await api.notification.deliveries.query({ id: phone.id });
        return latest.status === "skipped";
      },
      15_000,
      "the retry to be skipped",
    );
    const [skipped] = await api.notification.deliveries.query({ id: phone.id });
    assert.deepEqual([skipped.type, skipped.attempts], ["opened", 1]);
    assert.equal(twilio.requests.length, 3, "called once, not again");
  } finally {
    await bed.close();
    await Promise.all([webhook.close(), twilio.close()]);
  }
});
