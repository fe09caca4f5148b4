/**
 * Incident events on the stream become one message per attached channel, in each
 * provider's documented format, delivered to local stand-ins of Slack, Discord,
 * PagerDuty, Teams, Telegram, ntfy, Google Chat, Pushover, Matrix, Twilio, a webhook
 * receiver and an SMTP server.
 */
import assert from "node:assert/strict";
import { eventually } from "../helpers/pipeline.ts";
import { APP_URL, notificationBed } from "../helpers/notifications.ts";
import {
  startDiscord,
  startGoogleChat,
  startMatrix,
  startNtfy,
  startPagerDuty,
  startPushover,
  startSlack,
  startSmtp,
  startTeams,
  startTelegram,
  startTwilio,
  startWebhookReceiver,
} from "../helpers/notification_stand_ins.ts";

const BOT_TOKEN = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345";
const ROUTING_KEY = "R0UT1NGKEY0123456789abcdefABCDEF";
const PUSHOVER_USER = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG";
const PUSHOVER_APP = "azGDORePK8gMaC0QOYAMyEEuzJnyUi";
const MATRIX_TOKEN = "syt_Ym90_bXlBY2Nlc3NUb2tlbg_1a2b3c";
const ROOM = "!ops:matrix.example.org";
const TWILIO_SID = "AC5ef872f6da5a21de157d80997a64bd33";
const TWILIO_TOKEN = "2d2b4c5e0a9f4e61b1c3d5e7f9a0b2c4";

Deno.test("an incident that opens and resolves notifies every channel once down and once up; repeats notify nothing", async () => {
  const webhook = startWebhookReceiver();
  const slack = startSlack();
  const discord = startDiscord();
  const pagerduty = startPagerDuty();
  const teams = startTeams();
  const telegram = startTelegram(BOT_TOKEN);
  const ntfy = startNtfy();
  const chat = startGoogleChat();
  const pushover = startPushover();
  const matrix = startMatrix(MATRIX_TOKEN);
  const twilio = startTwilio(TWILIO_SID, TWILIO_TOKEN);
  const http = {
    webhook,
    slack,
    discord,
    pagerduty,
    teams,
    telegram,
    ntfy,
    chat,
    pushover,
    matrix,
    twilio,
  };
  const smtp = await startSmtp();
  const bed = await notificationBed({
    SMTP_URL: smtp.url,
    MAIL_FROM: "Uptime <alerts@uptime.example.com>",
    PAGERDUTY_EVENTS_URL: pagerduty.url,
    TELEGRAM_API_URL: telegram.url,
    PUSHOVER_API_URL: pushover.url,
    TWILIO_API_URL: twilio.url,
  });
  try {
    const api = bed.owner.api;
    const channels = [
      {
        kind: "webhook",
        config: { url: `${webhook.url}/hooks/uptime`, secret: "s3cret-s3cret-s3cret" },
      },
      { kind: "slack", config: { webhookUrl: `${slack.url}/services/T000/B000/XXXX` } },
      { kind: "discord", config: { webhookUrl: `${discord.url}/api/webhooks/1/abc` } },
      { kind: "email", config: { to: "oncall@example.com, boss@example.com" } },
      { kind: "pagerduty", config: { routingKey: ROUTING_KEY } },
      { kind: "teams", config: { webhookUrl: `${teams.url}/workflows/abc` } },
      { kind: "telegram", config: { botToken: BOT_TOKEN, chatId: "-100200300" } },
      { kind: "ntfy", config: { serverUrl: ntfy.url, topic: "shop-alerts" } },
      {
        kind: "google_chat",
        config: { webhookUrl: `${chat.url}/v1/spaces/AAAA/messages?key=k3y&token=t0ken` },
      },
      { kind: "pushover", config: { userKey: PUSHOVER_USER, appToken: PUSHOVER_APP } },
      {
        kind: "matrix",
        config: { homeserverUrl: matrix.url, roomId: ROOM, accessToken: MATRIX_TOKEN },
      },
      {
        kind: "twilio_sms",
        config: {
          accountSid: TWILIO_SID,
          authToken: TWILIO_TOKEN,
          from: "+14155550100",
          to: "+447700900123",
        },
      },
    ] as const;
    for (const channel of channels) {
      await api.notification.create.mutate({ ...channel, name: `My ${channel.kind}` });
    }
    bed.startDispatcher();
    const incidentId = crypto.randomUUID();
    const dashboard = `${APP_URL}/app/monitors/${bed.website.id}`;
    // People go from a message to the incident's page; the webhook names both.
    const incidentPage = `${APP_URL}/app/incidents/${incidentId}`;
    const counts = () => [...Object.values(http).map((s) => s.requests.length), smtp.mails.length];

    await bed.publish(bed.event(incidentId, "opened"));
    await eventually(() => counts().every((n) => n === 1), 15_000, "one down message per channel");

    // Down messages, each in its provider's format.
    const hook = webhook.requests[0];
    assert.equal(hook.headers.get("idempotency-key"), `${incidentId}:opened`);
    assert.equal(hook.body.type, "incident.opened");
    assert.equal(hook.body.monitor.dashboardUrl, dashboard);
    assert.equal(hook.body.incident.url, incidentPage);
    assert.deepEqual(hook.body.incident.failingRegions, ["ams", "fra"]);

    const slackText = slack.requests[0].body.text as string;
    assert.match(slackText, /Shop is down/);
    assert.ok(Array.isArray(slack.requests[0].body.blocks));
    const slackBlocks = JSON.stringify(slack.requests[0].body.blocks);
    for (
      const part of [
        "https://shop.example.com/health",
        "2 of 3 (ams, fra)",
        "HTTP 503",
        "2026-12-01 20:00:00 UTC",
        incidentPage,
      ]
    ) {
      assert.ok(slackBlocks.includes(part), `Slack blocks name ${part}`);
    }

    const discordBody = discord.requests[0].body;
    assert.equal(discordBody.content, "Shop is down");
    assert.equal(discordBody.embeds[0].url, incidentPage);
    assert.deepEqual(discordBody.allowed_mentions, { parse: [] });

    const trigger = pagerduty.requests[0].body;
    assert.equal(trigger.routing_key, ROUTING_KEY);
    assert.equal(trigger.event_action, "trigger");
    assert.equal(trigger.dedup_key, incidentId);
    assert.equal(trigger.payload.severity, "critical");
    assert.equal(trigger.client_url, incidentPage);

    const card = teams.requests[0].body.attachments[0].content;
    assert.equal(card.type, "AdaptiveCard");
    assert.equal(card.actions[0].url, incidentPage);

    const telegramBody = telegram.requests[0].body;
    assert.equal(telegramBody.chat_id, "-100200300");
    const text = telegramBody.text as string;
    for (
      const part of [
        "Shop is down",
        "URL: https://shop.example.com/health",
        "Failing regions: 2 of 3 (ams, fra)",
        "Cause: status, HTTP 503: expected 2xx or 3xx, got 503",
        "Started: 2026-12-01 20:00:00 UTC",
        incidentPage,
      ]
    ) {
      assert.ok(text.includes(part), `the down message names ${part}:\n${text}`);
    }

    const push = ntfy.requests[0].body;
    assert.deepEqual([push.topic, push.title, push.priority], ["shop-alerts", "Shop is down", 5]);
    assert.equal(push.click, incidentPage);

    // Google Chat: the text, in the incident's own thread.
    const chatDown = chat.requests[0];
    assert.match(chatDown.body.text, /^🔴 Shop is down\n/);
    assert.ok(chatDown.body.text.includes(incidentPage));
    assert.equal(chatDown.body.thread.threadKey, incidentId);
    assert.equal(chatDown.path, "/v1/spaces/AAAA/messages");
    // The webhook's own key and token stay; without the reply option Chat ignores the thread.
    assert.deepEqual(Object.fromEntries(chatDown.query), {
      key: "k3y",
      token: "t0ken",
      messageReplyOption: "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD",
    });

    // Pushover: high priority when down, the incident as its link.
    const pushed = pushover.requests[0].body;
    assert.deepEqual(
      [pushed.token, pushed.user, pushed.title, pushed.priority, pushed.url],
      [PUSHOVER_APP, PUSHOVER_USER, "Shop is down", 1, incidentPage],
    );
    assert.match(pushed.message, /^Monitor: Shop\nURL: https:\/\/shop\.example\.com\/health\n/);

    // Matrix: PUT with the delivery's key as its transaction id; the HTML part escaped.
    const room = matrix.requests[0];
    assert.equal(room.method, "PUT");
    assert.match(
      room.path,
      new RegExp(
        `^/_matrix/client/v3/rooms/${encodeURIComponent(ROOM)}/send/m\\.room\\.message/` +
          `[0-9a-f-]{36}\\.${incidentId}_opened$`,
      ),
    );
    assert.equal(room.body.format, "org.matrix.custom.html");
    assert.match(room.body.formatted_body, /^<strong>Shop is down<\/strong><br>Monitor: Shop<br>/);
    assert.ok(room.body.body.includes(incidentPage));

    // A text: what is wrong and where to look, short.
    const texted = new URLSearchParams(twilio.requests[0].raw);
    assert.deepEqual([texted.get("From"), texted.get("To")], ["+14155550100", "+447700900123"]);
    assert.equal(
      texted.get("Body"),
      `Shop is down\nCause: status, HTTP 503: expected 2xx or 3xx, got 503\n${incidentPage}`,
    );

    const mail = smtp.mails[0];
    assert.match(mail.subject, /^\[Down\] Shop is down$/);
    assert.deepEqual(mail.to.sort(), ["boss@example.com", "oncall@example.com"]);
    assert.equal(mail.from, "alerts@uptime.example.com");

    // The same event again (the evaluation writes at least once): nothing new.
    await bed.publish(bed.event(incidentId, "opened"));
    await bed.publish(bed.event(incidentId, "resolved"));
    await eventually(
      () => counts().every((n) => n === 2),
      15_000,
      "one recovery message per channel",
    );

    const resolve = pagerduty.requests[1].body;
    assert.deepEqual(
      [resolve.routing_key, resolve.event_action, resolve.dedup_key],
      [ROUTING_KEY, "resolve", incidentId],
    );
    assert.equal(webhook.requests[1].headers.get("idempotency-key"), `${incidentId}:resolved`);
    assert.equal(webhook.requests[1].body.incident.durationSeconds, 725);
    const recovery = telegram.requests[1].body.text as string;
    assert.match(recovery, /Shop is up again after 12 min 5 s/);
    assert.ok(recovery.includes(incidentPage));
    assert.equal(ntfy.requests[1].body.priority, 3);
    assert.equal(
      chat.requests[1].body.thread.threadKey,
      incidentId,
      "the recovery answers the alert",
    );
    assert.equal(pushover.requests[1].body.priority, 0);
    assert.match(matrix.requests[1].path, new RegExp(`\\.${incidentId}_resolved$`));
    assert.match(smtp.mails[1].subject, /^\[Up\] Shop is up again after 12 min 5 s$/);
    assert.equal(
      new URLSearchParams(twilio.requests[1].raw).get("Body"),
      `Shop is up again after 12 min 5 s\n${incidentPage}`,
    );

    await bed.publish(bed.event(incidentId, "resolved"));
    await bed.publish(bed.event(incidentId, "opened"));
    await eventually(() => bed.settled(), 15_000, "the repeated events to be read");
    assert.deepEqual(counts(), [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);

    // Each channel's record shows both deliveries, newest first.
    for (const channel of await api.notification.list.query()) {
      const deliveries = await api.notification.deliveries.query({ id: channel.id });
      assert.deepEqual(
        deliveries.map((d) => [d.type, d.status, d.attempts]),
        [["resolved", "delivered", 1], ["opened", "delivered", 1]],
        channel.kind,
      );
    }

    // Resolved by hand: the message says by whom, not that the site is up.
    const handled = crypto.randomUUID();
    await bed.publish(bed.event(handled, "opened"));
    await bed.publish(bed.event(handled, "resolved", { resolvedBy: "ada@example.com" }));
    await eventually(() => counts().every((n) => n === 4), 15_000, "the hand-resolved incident");
    assert.match(
      smtp.mails[3].subject,
      /^\[Resolved\] Shop: incident resolved by ada@example\.com$/,
    );
    assert.equal(webhook.requests[3].body.incident.resolvedBy, "ada@example.com");
    assert.equal(pagerduty.requests[3].body.event_action, "resolve");
    assert.match(telegram.requests[3].body.text as string, /Resolved by: ada@example\.com/);
    // The channel's record says "Resolved", not "Recovered": the site may still be down.
    const [first] = await api.notification.list.query();
    const labels = (await api.notification.deliveries.query({ id: first.id })).map((d) => d.label);
    assert.deepEqual(labels, ["Resolved", "Down", "Recovered", "Down"]);
  } finally {
    await bed.close();
    await Promise.all([
      ...Object.values(http).map((s) => s.close()),
      smtp.close(),
    ]);
  }
});

Deno.test("a monitor alerts only the channels it names; null means every channel, new ones too", async () => {
  const first = startWebhookReceiver();
  const second = startWebhookReceiver();
  const later = startWebhookReceiver();
  const bed = await notificationBed();
  try {
    const api = bed.owner.api;
    const a = await api.notification.create.mutate({
      kind: "webhook",
      name: "A",
      config: { url: first.url },
    });
    await api.notification.create.mutate({
      kind: "webhook",
      name: "B",
      config: { url: second.url },
    });
    assert.equal((await api.website.get.query({ id: bed.website.id })).notificationIds, null);
    await api.notification.create.mutate({
      kind: "webhook",
      name: "Later",
      config: { url: later.url },
    });
    bed.startDispatcher();

    await bed.publish(bed.event(crypto.randomUUID(), "opened"));
    await eventually(() => bed.settled(), 15_000, "the first event to be delivered");
    assert.deepEqual([first, second, later].map((s) => s.requests.length), [1, 1, 1]);

    const updated = await api.website.update.mutate({
      id: bed.website.id,
      notificationIds: [a.id],
    });
    assert.deepEqual(updated.notificationIds, [a.id]);
    await bed.publish(bed.event(crypto.randomUUID(), "opened"));
    await eventually(() => bed.settled(), 15_000, "the second event to be delivered");
    assert.deepEqual([first, second, later].map((s) => s.requests.length), [2, 1, 1]);

    // A deleted channel leaves the monitor's list.
    await api.notification.delete.mutate({ id: a.id });
    assert.deepEqual((await api.website.get.query({ id: bed.website.id })).notificationIds, []);
  } finally {
    await bed.close();
    await Promise.all([first.close(), second.close(), later.close()]);
  }
});

Deno.test("an incident's end reaches the channels told of its start, not one added after it began", async () => {
  const before = startWebhookReceiver();
  const after = startWebhookReceiver();
  const bed = await notificationBed();
  try {
    const api = bed.owner.api;
    await api.notification.create.mutate({
      kind: "webhook",
      name: "Before",
      config: { url: before.url },
    });
    const incident = async (startedAt: string) => {
      const [row] = await bed.services.sql`
        insert into incidents (website_id, started_at, cause_error_kind, cause_error_message,
          cause_http_status, regions, total_regions)
        values (${bed.website.id}, ${startedAt}::timestamptz, 'timeout', 'timed out', 0,
          ${"{local}"}::text[], 1)
        returning id`;
      await bed.services.sql`update incidents set resolved_at = now() where id = ${row.id}`;
      return row.id as string;
    };
    // Down before there was a second channel; then one is added, and the incident ends.
    const [{ now }] = await bed.services.sql`select now()::text as now`;
    const unheard = await incident(now);
    await api.notification.create.mutate({
      kind: "webhook",
      name: "After",
      config: { url: after.url },
    });
    // Began before either channel existed, but both were told when it opened.
    const told = await incident("2026-12-01T20:00:00Z");
    bed.startDispatcher();
    await bed.publish(bed.event(unheard, "resolved"));
    await bed.publish(bed.event(told, "opened"));
    await bed.publish(bed.event(told, "resolved"));
    await eventually(() => bed.settled(), 15_000, "the events to be delivered");
    const seen = (receiver: typeof before) =>
      receiver.requests.map((r) =>
        `${r.body.incident.url.endsWith(told) ? "told" : "unheard"} ${r.body.type}`
      );
    assert.deepEqual(seen(before), [
      "unheard incident.resolved",
      "told incident.opened",
      "told incident.resolved",
    ]);
    assert.deepEqual(seen(after), ["told incident.opened", "told incident.resolved"]);
  } finally {
    await bed.close();
    await Promise.all([before.close(), after.close()]);
  }
});
