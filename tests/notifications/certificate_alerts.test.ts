/**
 * A TLS certificate nearing its end, as the checks stored it in ClickHouse, becomes one
 * alert per certificate to the monitor's channels (local stand-ins of a webhook receiver,
 * Slack, PagerDuty and an SMTP server), written by the leader's sweep as the publisher
 * runs it.
 */
import assert from "node:assert/strict";
import { eventually } from "../helpers/pipeline.ts";
import { APP_URL, notificationBed } from "../helpers/notifications.ts";
import { insertRows } from "../helpers/seed_checks.ts";
import {
  startPagerDuty,
  startSlack,
  startSmtp,
  startWebhookReceiver,
} from "../helpers/notification_stand_ins.ts";
import { alertExpiringCertificates } from "../../services/certificates/expiry_alerts.ts";
import type { CheckRow } from "../../db/clickhouse/check_row.ts";

const ROUTING_KEY = "R0UT1NGKEY0123456789abcdefABCDEF";
const DAY_MS = 86_400_000;

Deno.test("a certificate entering its warning window alerts the monitor's channels once; a renewed one again near its own end", async () => {
  const webhook = startWebhookReceiver();
  const slack = startSlack();
  const pagerduty = startPagerDuty();
  const smtp = await startSmtp();
  const bed = await notificationBed({
    SMTP_URL: smtp.url,
    MAIL_FROM: "Uptime <alerts@uptime.example.com>",
    PAGERDUTY_EVENTS_URL: pagerduty.url,
  });
  try {
    const api = bed.owner.api;
    const channels = [
      { kind: "webhook", config: { url: `${webhook.url}/hooks`, secret: "s3cret-s3cret-s3cret" } },
      { kind: "slack", config: { webhookUrl: `${slack.url}/services/T000/B000/XXXX` } },
      { kind: "pagerduty", config: { routingKey: ROUTING_KEY } },
      { kind: "email", config: { to: "oncall@example.com" } },
    ] as const;
    for (const channel of channels) {
      await api.notification.create.mutate({ ...channel, name: `My ${channel.kind}` });
    }
    // Not alerted: a certificate outside its window, a monitor that warns only once it
    // has expired, and a paused one.
    const blog = await api.website.create.mutate({ url: "https://blog.example.com/" });
    const strict = await api.website.create.mutate({
      url: "https://api.example.com/",
      certExpiryWarnDays: 0,
    });
    const paused = await api.website.create.mutate({ url: "https://old.example.com/" });
    await api.website.setActive.mutate({ id: paused.id, active: false });
    bed.startDispatcher();
    const sweep = (now: number) =>
      alertExpiringCertificates({
        sql: bed.services.sql,
        ch: bed.services.ch,
        redis: bed.services.redis,
        keys: bed.services.keys,
      }, now);
    const seen = (websiteId: string, at: number, days: number): CheckRow => ({
      website_id: websiteId,
      region_id: "ams",
      scheduled_at: Math.floor(at / 1000) - 1,
      checked_at: Math.floor(at / 1000),
      outcome: "up",
      http_status: 200,
      response_ms: 80,
      error_kind: "",
      error_message: "",
      cert_days_left: days,
    });

    const now = Date.now();
    await insertRows(bed.server, [
      seen(bed.website.id, now - 120_000, 10),
      seen(bed.website.id, now - 60_000, 9), // the newest check counts
      seen(blog.id, now - 60_000, 30),
      seen(strict.id, now - 60_000, 5),
      seen(paused.id, now - 60_000, 3),
    ]);
    assert.equal(await sweep(now), 1);
    const stands = { webhook, slack, pagerduty };
    const counts = () => [
      ...Object.values(stands).map((s) => s.requests.length),
      smtp.mails.length,
    ];
    await eventually(() => counts().every((n) => n === 1), 15_000, "one alert per channel");

    const expiresOn = new Date(Math.floor(now / 1000) * 1000 - 60_000 + 9 * DAY_MS)
      .toISOString().slice(0, 10);
    const title = "Shop: the TLS certificate expires in 9 days";
    const hook = webhook.requests[0];
    assert.equal(hook.headers.get("idempotency-key"), `cert:${bed.website.id}:${expiresOn}`);
    assert.equal(hook.body.type, "certificate.expiring");
    assert.equal(hook.body.title, title);
    assert.deepEqual(hook.body.certificate, {
      daysLeft: 9,
      expiresAt: `${expiresOn}T00:00:00.000Z`,
    });
    assert.equal(hook.body.incident, null);
    assert.equal(hook.body.monitor.dashboardUrl, `${APP_URL}/app/monitors/${bed.website.id}`);
    assert.equal(slack.requests[0].body.text, `⚠️ ${title}`);
    const trigger = pagerduty.requests[0].body;
    assert.deepEqual(
      [trigger.event_action, trigger.dedup_key, trigger.payload.severity],
      ["trigger", `uptime-certificate-${bed.website.id}`, "warning"],
    );
    assert.equal(smtp.mails[0].subject, `[Certificate] ${title}`);

    // The next day the same certificate has a day less: nothing new.
    const tomorrow = now + DAY_MS;
    await insertRows(bed.server, [seen(bed.website.id, tomorrow, 8)]);
    assert.equal(await sweep(tomorrow), 0);

    // Renewed, it is out of the window; 70 days on, the new one nears its end.
    await insertRows(bed.server, [seen(bed.website.id, now + 2 * DAY_MS, 89)]);
    assert.equal(await sweep(now + 2 * DAY_MS), 0);
    const later = now + 80 * DAY_MS;
    await insertRows(bed.server, [seen(bed.website.id, later, 11)]);
    assert.equal(await sweep(later), 1);
    await eventually(() => counts().every((n) => n === 2), 15_000, "the renewed one's alert");
    assert.match(webhook.requests[1].body.title, /expires in 11 days$/);

    const [channel] = await api.notification.list.query();
    const deliveries = await api.notification.deliveries.query({ id: channel.id });
    assert.deepEqual(
      deliveries.map((d) => [d.type, d.status, d.title]),
      [
        ["certificate", "delivered", "Shop: the TLS certificate expires in 11 days"],
        ["certificate", "delivered", title],
      ],
    );
  } finally {
    await bed.close();
    await Promise.all([webhook.close(), slack.close(), pagerduty.close(), smtp.close()]);
  }
});
