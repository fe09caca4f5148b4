/**
 * Escalation of an incident nobody acknowledges: the leader's sweep, as the publisher runs
 * it, at chosen times after the incident opened (the evaluation opens and ends it from
 * stored results); the dispatcher delivers to local stand-ins of a webhook receiver, Slack
 * and PagerDuty.
 */
import assert from "node:assert/strict";
import { eventually } from "../helpers/pipeline.ts";
import { notificationBed } from "../helpers/notifications.ts";
import { checkRow } from "../helpers/incidents.ts";
import {
  startPagerDuty,
  startSlack,
  startWebhookReceiver,
} from "../helpers/notification_stand_ins.ts";
import { evaluateStoredResults } from "../../services/incidents/evaluation/evaluate.ts";
import { relayIncidentEvents } from "../../services/incidents/evaluation/event_relay.ts";
import { escalateOpenIncidents } from "../../services/incidents/escalations.ts";
import { remindOpenIncidents } from "../../services/incidents/reminders.ts";
import { errorMessage } from "../helpers/api.ts";

const MINUTE = 60_000;

/** The webhook alerts first; Slack and PagerDuty are whom it escalates to. */
async function escalationBed() {
  const webhook = startWebhookReceiver();
  const slack = startSlack();
  const pagerduty = startPagerDuty();
  const bed = await notificationBed({
    REGIONS: "ams",
    REGION: "ams",
    PAGERDUTY_EVENTS_URL: pagerduty.url,
  });
  const api = bed.owner.api;
  const hook = await api.notification.create.mutate({
    kind: "webhook",
    name: "Team hook",
    config: { url: `${webhook.url}/hooks`, secret: "s3cret-s3cret-s3cret" },
  });
  const lead = await api.notification.create.mutate({
    kind: "slack",
    name: "Team lead",
    config: { webhookUrl: `${slack.url}/services/T000/B000/XXXX` },
  });
  const pager = await api.notification.create.mutate({
    kind: "pagerduty",
    name: "On call",
    config: { routingKey: "R0UT1NGKEY0123456789abcdefABCDEF" },
  });
  const { sql, redis, keys } = bed.services;
  const at = (ms: number) => new Date(ms);
  const slot = Math.floor(Date.now() / 1000) - 60;
  /** As the worker does: evaluate a stored check, then send the outbox onto the stream. */
  const check = async (websiteId: string, up: boolean, offset = 0) => {
    await evaluateStoredResults(sql, [checkRow(websiteId, "ams", slot + offset, up)]);
    await relayIncidentEvents(sql, redis, keys);
  };
  /** Opens an incident of the monitor as its checks would; returns it and when it opened. */
  const openIncident = async (websiteId: string) => {
    await api.website.update.mutate({ id: websiteId, confirmations: 1, quorum: "any" });
    await check(websiteId, false);
    const [row] = await sql`
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
    channels: { hook, lead, pager },
    check,
    openIncident,
    escalate: (ms: number) => escalateOpenIncidents({ sql, redis, keys }, at(ms)),
    remind: (ms: number) => remindOpenIncidents({ sql, redis, keys }, at(ms)),
    async close() {
      await bed.close();
      await Promise.all([webhook.close(), slack.close(), pagerduty.close()]);
    },
  };
}

Deno.test("an incident nobody acknowledges escalates once to the monitor's escalation channels, which then hear its reminders and its end", async () => {
  const t = await escalationBed();
  try {
    const { api, bed, webhook, slack, pagerduty, channels } = t;
    const id = bed.website.id;
    const escalate = (escalation: unknown) =>
      errorMessage(api.website.update.mutate({ id, escalation } as never));
    assert.equal(
      await escalate({ afterMinutes: 0, notificationIds: [channels.lead.id] }),
      "BAD_REQUEST: escalation.afterMinutes: at least 1",
    );
    assert.equal(
      await escalate({ afterMinutes: 10, notificationIds: [] }),
      "BAD_REQUEST: escalation.notificationIds: at least one channel to escalate to",
    );
    const stranger = crypto.randomUUID();
    assert.equal(
      await escalate({ afterMinutes: 10, notificationIds: [stranger] }),
      `BAD_REQUEST: escalation.notificationIds: no notification channel ${stranger}`,
    );
    const updated = await api.website.update.mutate({
      id,
      notificationIds: [channels.hook.id],
      remindEveryMinutes: 30,
      escalation: { afterMinutes: 10, notificationIds: [channels.lead.id, channels.pager.id] },
    });
    assert.deepEqual(updated.escalation, {
      afterMinutes: 10,
      notificationIds: [channels.lead.id, channels.pager.id],
    });

    const incident = await t.openIncident(id);
    bed.startDispatcher();
    await eventually(() => webhook.requests.length === 1, 15_000, "the down alert");
    assert.equal(await t.escalate(incident.opened + 9 * MINUTE), 0, "not yet");
    assert.equal(await t.escalate(incident.opened + 10 * MINUTE), 1);
    assert.equal(await t.escalate(incident.opened + 11 * MINUTE), 0, "once per incident");
    await eventually(
      () => slack.requests.length === 1 && pagerduty.requests.length === 1,
      15_000,
      "the escalation at Slack and PagerDuty",
    );
    assert.match(
      slack.requests[0].body.text,
      /^🚨 Shop is down and nobody has acknowledged it for 10 min/,
    );
    assert.equal(pagerduty.requests[0].body.event_action, "trigger");
    assert.equal(pagerduty.requests[0].body.dedup_key, incident.id);
    assert.equal(webhook.requests.length, 1, "the first channel is not told again");
    const shown = await api.incident.get.query({ id: incident.id });
    assert.ok(shown.escalatedAt !== null && shown.escalatedAt >= incident.opened);
    assert.equal(shown.escalatedBy, null, "its time came: nobody escalated it");

    // From now on the lead hears the reminders (PagerDuty reminds by itself) and the end.
    assert.equal(await t.remind(incident.opened + 30 * MINUTE), 1);
    await eventually(
      () => webhook.requests.length === 2 && slack.requests.length === 2,
      15_000,
      "the reminder at both",
    );
    assert.match(slack.requests[1].body.text, /^⏰ Shop is still down/);
    await t.check(id, true, 1);
    await eventually(() => webhook.requests.length === 3, 15_000, "the recovery");
    await eventually(() => bed.settled(), 15_000, "everything settled");
    assert.equal(webhook.requests[2].body.type, "incident.resolved");
    assert.match(slack.requests[2].body.text, /^✅ Shop is up again/);
    assert.deepEqual(pagerduty.requests.map((r) => r.body.event_action), ["trigger", "resolve"]);
    const deliveries = await api.notification.deliveries.query({ id: channels.lead.id });
    assert.deepEqual(deliveries.map((d) => [d.label, d.status]), [
      ["Recovered", "delivered"],
      ["Reminder", "delivered"],
      ["Escalation", "delivered"],
    ]);
  } finally {
    await t.close();
  }
});

Deno.test("a person may escalate an incident before its time, once; a monitor that escalates to nobody does not", async () => {
  const t = await escalationBed();
  try {
    const { api, bed, webhook, slack, channels } = t;
    await api.website.update.mutate({
      id: bed.website.id,
      notificationIds: [channels.hook.id],
      escalation: { afterMinutes: 30, notificationIds: [channels.lead.id] },
    });
    const quiet = await api.website.create.mutate({
      url: "https://blog.example.com/",
      notificationIds: [channels.hook.id],
    });
    const shop = await t.openIncident(bed.website.id);
    const blog = await t.openIncident(quiet.id);
    bed.startDispatcher();
    const escalated = await api.incident.escalate.mutate({ id: shop.id });
    assert.ok(escalated.escalatedAt !== null);
    assert.equal(escalated.escalatedBy, bed.owner.email, "the incident names who escalated it");
    await eventually(() => slack.requests.length === 1, 15_000, "the escalation at Slack");
    assert.equal(
      slack.requests[0].body.text.split("\n")[0],
      `🚨 Shop is down, and ${bed.owner.email} escalated it`,
    );
    // Again, or by the sweep at its time: nothing more.
    assert.equal(
      (await api.incident.escalate.mutate({ id: shop.id })).escalatedAt,
      escalated.escalatedAt,
    );
    assert.equal(await t.escalate(shop.opened + 30 * MINUTE), 0);
    assert.equal((await api.incident.escalate.mutate({ id: blog.id })).escalatedAt, null);
    await eventually(() => webhook.requests.length === 2, 15_000, "both down alerts");
    await eventually(() => bed.settled(), 15_000, "everything settled");
    assert.equal(slack.requests.length, 1);
  } finally {
    await t.close();
  }
});

Deno.test("no escalation once the incident is acknowledged, nor while the monitor is paused; one queued and then acknowledged is skipped", async () => {
  const t = await escalationBed();
  try {
    const { api, bed, webhook, slack, channels } = t;
    const escalation = { afterMinutes: 5, notificationIds: [channels.lead.id] };
    await api.website.update.mutate({ id: bed.website.id, escalation });
    const acknowledged = await api.website.create.mutate({
      url: "https://api.example.com/",
      escalation,
    });
    const paused = await api.website.create.mutate({ url: "https://old.example.com/", escalation });
    const shop = await t.openIncident(bed.website.id);
    const early = await t.openIncident(acknowledged.id);
    await t.openIncident(paused.id);
    await api.incident.acknowledge.mutate({ id: early.id });
    await api.website.setActive.mutate({ id: paused.id, active: false });

    // Due, but queued while nobody sends; acknowledged before the dispatcher gets to it.
    assert.equal(await t.escalate(shop.opened + 60 * MINUTE), 1, "the shop's alone");
    await api.incident.acknowledge.mutate({ id: shop.id });
    bed.startDispatcher();
    await eventually(() => bed.settled(), 15_000, "everything queued is settled");
    assert.equal(webhook.requests.length, 3, "each down alert");
    assert.equal(slack.requests.length, 3, "each down alert, and no escalation");
    const [skipped] = await api.notification.deliveries.query({ id: channels.lead.id });
    assert.deepEqual([skipped.label, skipped.status, skipped.attempts, skipped.error], [
      "Escalation",
      "skipped",
      0,
      "the incident was acknowledged",
    ]);

    // Deleting the only channel it escalates to turns its escalation off.
    await api.notification.delete.mutate({ id: channels.lead.id });
    const shopAfter = await api.website.get.query({ id: bed.website.id });
    assert.equal(shopAfter.escalation, null);
  } finally {
    await t.close();
  }
});
