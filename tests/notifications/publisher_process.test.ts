/** The dispatcher runs inside the publisher process: an event on the stream is delivered, and SIGTERM stops it all. */
import assert from "node:assert/strict";
import { eventually } from "../helpers/pipeline.ts";
import { notificationBed } from "../helpers/notifications.ts";
import { startWebhookReceiver } from "../helpers/notification_stand_ins.ts";
import { spawnProcess } from "../helpers/processes.ts";

Deno.test("the publisher process delivers incident events and stops on SIGTERM", async () => {
  const receiver = startWebhookReceiver();
  const bed = await notificationBed();
  try {
    await bed.owner.api.notification.create.mutate({
      kind: "webhook",
      name: "Hook",
      config: { url: receiver.url },
    });
    const publisher = spawnProcess("publisher/main.ts", {
      ...bed.server.bed.env,
      APP_URL: "https://uptime.example.com",
      REGION: "ams",
    });
    try {
      await publisher.waitFor("publisher.started");
      const incidentId = crypto.randomUUID();
      await bed.publish(bed.event(incidentId, "opened"));
      await eventually(() => receiver.requests.length === 1, 20_000, "the webhook");
      assert.equal(receiver.requests[0].headers.get("idempotency-key"), `${incidentId}:opened`);
      await publisher.waitFor("notification.delivered");
    } finally {
      assert.equal((await publisher.stop("SIGTERM")).code, 0);
    }
  } finally {
    await bed.close();
    await receiver.close();
  }
});
