/**
 * Delivery: at least once through failures (same idempotency key on every try),
 * Retry-After honoured, refusals recorded without retrying, given up after the retry
 * window, a hanging receiver holding up no other channel, and an attempt that outlasts its
 * lease keeping its claim.
 */
import assert from "node:assert/strict";
import { eventually } from "../helpers/pipeline.ts";
import { notificationBed } from "../helpers/notifications.ts";
import { startWebhookReceiver } from "../helpers/notification_stand_ins.ts";
import { metrics } from "../../lib/metrics.ts";
import { claimDue, holdClaim } from "../../services/notifications/dispatcher/record.ts";

/** The attempt counter's value for webhook channels with this outcome. */
async function attempts(outcome: string): Promise<number> {
  const { values } = await metrics.notifications.get();
  return values.find((v) => v.labels.kind === "webhook" && v.labels.outcome === outcome)?.value ??
    0;
}

Deno.test("a receiver that answers 500 three times gets the message, with the same idempotency key each time", async () => {
  const receiver = startWebhookReceiver();
  const bed = await notificationBed();
  try {
    receiver.failNext(3, () => new Response("boom", { status: 500 }));
    const channel = await bed.owner.api.notification.create.mutate({
      kind: "webhook",
      name: "Flaky",
      config: { url: receiver.url },
    });
    const before = [await attempts("retrying"), await attempts("delivered")];
    bed.startDispatcher();
    const incidentId = crypto.randomUUID();
    await bed.publish(bed.event(incidentId, "opened"));
    await eventually(() => bed.settled(), 20_000, "the delivery to settle");
    // Counted for /metrics: three retries, one delivery.
    assert.deepEqual(
      [await attempts("retrying") - before[0], await attempts("delivered") - before[1]],
      [3, 1],
    );

    assert.equal(receiver.requests.length, 4);
    assert.deepEqual(
      new Set(receiver.requests.map((r) => r.headers.get("idempotency-key"))),
      new Set([`${incidentId}:opened`]),
    );
    const [delivery] = await bed.owner.api.notification.deliveries.query({ id: channel.id });
    assert.deepEqual([delivery.status, delivery.attempts, delivery.error], ["delivered", 4, null]);
  } finally {
    await bed.close();
    await receiver.close();
  }
});

Deno.test("429 waits at least Retry-After; a 400 or 404 is recorded as failed without a retry", async () => {
  const limited = startWebhookReceiver();
  const refusing = startWebhookReceiver();
  const misrouted = startWebhookReceiver();
  const bed = await notificationBed();
  try {
    misrouted.failNext(5, () =>
      new Response(
        "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1>" +
          "<p>The requested URL was not found on this server.</p></body></html>",
        { status: 404, headers: { "content-type": "text/html" } },
      ));
    limited.failNext(
      1,
      () => new Response("slow down", { status: 429, headers: { "retry-after": "1" } }),
    );
    refusing.failNext(5, () => new Response("unknown hook", { status: 400 }));
    const api = bed.owner.api;
    await api.notification.create.mutate({
      kind: "webhook",
      name: "Limited",
      config: { url: limited.url },
    });
    const refused = await api.notification.create.mutate({
      kind: "webhook",
      name: "Refusing",
      config: { url: refusing.url },
    });
    const wrongPath = await api.notification.create.mutate({
      kind: "webhook",
      name: "Wrong path",
      config: { url: misrouted.url },
    });
    bed.startDispatcher();
    await bed.publish(bed.event(crypto.randomUUID(), "opened"));
    await eventually(() => bed.settled(), 20_000, "the deliveries to settle");

    assert.equal(limited.requests.length, 2);
    assert.ok(limited.requests[1].at - limited.requests[0].at >= 1_000, "waited for Retry-After");
    assert.equal(refusing.requests.length, 1);
    const [record] = await api.notification.deliveries.query({ id: refused.id });
    assert.deepEqual([record.status, record.attempts, record.error], [
      "failed",
      1,
      "HTTP 400: unknown hook",
    ]);
    // A web page says what it is, not its markup.
    const [page] = await api.notification.deliveries.query({ id: wrongPath.id });
    assert.equal(page.error, 'HTTP 404: an HTML page, "404 Not Found"');
  } finally {
    await bed.close();
    await Promise.all([limited.close(), refusing.close(), misrouted.close()]);
  }
});

Deno.test("a receiver failing past the retry window is given up and recorded", async () => {
  const receiver = startWebhookReceiver();
  const bed = await notificationBed({ NOTIFICATION_GIVE_UP_MS: "1000" });
  try {
    receiver.failNext(1_000, () => new Response("down", { status: 503 }));
    const channel = await bed.owner.api.notification.create.mutate({
      kind: "webhook",
      name: "Dead",
      config: { url: receiver.url },
    });
    bed.startDispatcher();
    await bed.publish(bed.event(crypto.randomUUID(), "opened"));
    await eventually(() => bed.settled(), 20_000, "the delivery to be given up");
    const [record] = await bed.owner.api.notification.deliveries.query({ id: channel.id });
    assert.equal(record.status, "failed");
    assert.ok(record.attempts >= 2, `retried before giving up (${record.attempts} attempts)`);
    assert.match(record.error!, /^HTTP 503: down \(gave up after \d+ attempts\)$/);
    assert.equal(receiver.requests.length, record.attempts);
  } finally {
    await bed.close();
    await receiver.close();
  }
});

Deno.test("a hanging receiver does not delay another channel", async () => {
  const hanging = startWebhookReceiver();
  const healthy = startWebhookReceiver();
  const bed = await notificationBed({ NOTIFICATION_TIMEOUT_MS: "60000" });
  const gate = hanging.hang();
  try {
    const api = bed.owner.api;
    await api.notification.create.mutate({
      kind: "webhook",
      name: "Hanging",
      config: { url: hanging.url },
    });
    await api.notification.create.mutate({
      kind: "webhook",
      name: "Healthy",
      config: { url: healthy.url },
    });
    bed.startDispatcher();
    await bed.publish(bed.event(crypto.randomUUID(), "opened"));
    await bed.publish(bed.event(crypto.randomUUID(), "opened"));
    await eventually(() => healthy.requests.length === 2, 10_000, "the healthy channel's messages");
    // The hanging receiver has the first message and has not answered it yet.
    assert.ok(hanging.requests.length >= 1);
  } finally {
    gate.release();
    await bed.close();
    await Promise.all([hanging.close(), healthy.close()]);
  }
});

Deno.test("an attempt that outlasts its lease keeps its claim: no other sender takes the row until it ends", async () => {
  const bed = await notificationBed();
  try {
    const channel = await bed.owner.api.notification.create.mutate({
      kind: "webhook",
      name: "Hook",
      config: { url: "http://127.0.0.1:8080/never-sent" },
    });
    const { sql } = bed.services;
    await sql`
      insert into notification_deliveries (channel_id, event_id, event_type, event)
      values (${channel.id}, 'held:opened', 'opened', '{}'::jsonb)`;
    const leaseMs = 1_000;
    const [claim] = await claimDue(sql, 1, [], leaseMs);
    assert.equal(claim.attempts, 1);
    // A mail server slow at every step: the attempt runs three leases long.
    const stop = holdClaim(sql, "notification_deliveries", claim, leaseMs);
    const until = Date.now() + 3 * leaseMs;
    while (Date.now() < until) {
      assert.deepEqual(await claimDue(sql, 1, [], leaseMs), [], "nobody else claims it");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The attempt ends without recording (its process died, say): the row comes due again.
    stop();
    let again: Awaited<ReturnType<typeof claimDue>> = [];
    await eventually(
      async () => (again = await claimDue(sql, 1, [], leaseMs)).length === 1,
      10_000,
      "the row due again",
    );
    assert.equal(again[0].attempts, 2);
  } finally {
    await bed.close();
  }
});
