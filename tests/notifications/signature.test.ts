/**
 * The webhook signature, checked with the recipe the README documents (written out
 * here independently of our signing code): HMAC-SHA256 over "<timestamp>.<raw body>"
 * with the channel's secret, compared in constant time, and the timestamp within five
 * minutes of the receiver's clock.
 */
import assert from "node:assert/strict";
import { createHmac, timingSafeEqual } from "node:crypto";
import { eventually } from "../helpers/pipeline.ts";
import { notificationBed } from "../helpers/notifications.ts";
import { startWebhookReceiver } from "../helpers/notification_stand_ins.ts";

const TOLERANCE_SECONDS = 300;

/** The README's recipe. */
function verify(secret: string, headers: Headers, rawBody: string, nowSeconds: number): boolean {
  const timestamp = headers.get("x-uptime-timestamp") ?? "";
  const signature = headers.get("x-uptime-signature") ?? "";
  if (!/^\d+$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > TOLERANCE_SECONDS) return false;
  const expected = "sha256=" +
    createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest("hex");
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  return a.length === b.length && timingSafeEqual(a, b);
}

Deno.test("the webhook signature verifies with the documented recipe; a replay outside the window does not", async () => {
  const receiver = startWebhookReceiver();
  const bed = await notificationBed();
  const secret = "whsec_test_0123456789abcdef";
  try {
    await bed.owner.api.notification.create.mutate({
      kind: "webhook",
      name: "Signed",
      config: { url: receiver.url, secret },
    });
    bed.startDispatcher();
    await bed.publish(bed.event(crypto.randomUUID(), "opened"));
    await eventually(() => receiver.requests.length === 1, 15_000, "the webhook");
    const { headers, raw } = receiver.requests[0];
    const sentAt = Number(headers.get("x-uptime-timestamp"));
    const now = Math.floor(Date.now() / 1000);

    assert.ok(verify(secret, headers, raw, now), "a fresh request verifies");
    assert.equal(verify("another secret", headers, raw, now), false, "a wrong secret fails");
    assert.equal(
      verify(secret, headers, raw.replace("Shop", "Sh0p"), now),
      false,
      "a changed body fails",
    );
    // The same request replayed six minutes later is refused, signature intact or not.
    assert.equal(verify(secret, headers, raw, sentAt + TOLERANCE_SECONDS + 60), false);
    assert.ok(verify(secret, headers, raw, sentAt + TOLERANCE_SECONDS - 1));
  } finally {
    await bed.close();
    await receiver.close();
  }
});

Deno.test("a webhook created without a secret gets one, shown once and masked afterwards", async () => {
  const receiver = startWebhookReceiver();
  const bed = await notificationBed();
  try {
    const created = await bed.owner.api.notification.create.mutate({
      kind: "webhook",
      name: "Generated",
      config: { url: receiver.url },
    });
    const secret = created.config.secret as string;
    assert.match(secret, /^whsec_[\w-]{32}$/);
    const [listed] = await bed.owner.api.notification.list.query();
    assert.equal(listed.config.secret, `…${secret.slice(-4)}`);
    assert.equal(
      (await bed.owner.api.notification.test.mutate({ id: created.id })).delivered,
      true,
    );
    const { headers, raw } = receiver.requests[0];
    assert.ok(verify(secret, headers, raw, Math.floor(Date.now() / 1000)));
    assert.equal(JSON.parse(raw).type, "test");
  } finally {
    await bed.close();
    await receiver.close();
  }
});
