/** The notification counters on /metrics follow what the dispatcher did. */
import assert from "node:assert/strict";
import { eventually } from "./helpers/pipeline.ts";
import { notificationBed } from "./helpers/notifications.ts";
import { startWebhookReceiver } from "./helpers/notification_stand_ins.ts";
import { parseMetrics, sample } from "./helpers/scrape.ts";
import { metricsText } from "../lib/metrics.ts";

const count = async (outcome: string) =>
  sample(parseMetrics(await metricsText()), "uptime_notifications_total", {
    kind: "webhook",
    outcome,
  });

Deno.test("notifications delivered, retried and given up are counted by kind and outcome", async () => {
  const flaky = startWebhookReceiver();
  const refusing = startWebhookReceiver();
  const bed = await notificationBed();
  try {
    flaky.failNext(1, () => new Response("boom", { status: 500 }));
    refusing.failNext(5, () => new Response("unknown hook", { status: 400 }));
    for (const [name, receiver] of [["Flaky", flaky], ["Refusing", refusing]] as const) {
      await bed.owner.api.notification.create.mutate({
        kind: "webhook",
        name,
        config: { url: receiver.url },
      });
    }
    const before = {
      delivered: await count("delivered"),
      retrying: await count("retrying"),
      failed: await count("failed"),
    };
    bed.startDispatcher();
    await bed.publish(bed.event(crypto.randomUUID(), "opened"));
    await eventually(() => bed.settled(), 20_000, "both deliveries to settle");
    assert.deepEqual({
      delivered: await count("delivered"),
      retrying: await count("retrying"),
      failed: await count("failed"),
    }, {
      delivered: before.delivered + 1,
      retrying: before.retrying + 1,
      failed: before.failed + 1,
    });
  } finally {
    await bed.close();
    await Promise.all([flaky.close(), refusing.close()]);
  }
});
