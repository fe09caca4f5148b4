/**
 * The whole path with real incidents: a target goes down, the worker's evaluation opens
 * an incident, its event reaches the stream, and the dispatcher's webhook arrives; the
 * target comes back and the recovery follows.
 */
import assert from "node:assert/strict";
import { LeaderLease } from "../../publisher/leader_lease.ts";
import { Publisher } from "../../publisher/publisher.ts";
import { eventually, startTarget, startWorker } from "../helpers/pipeline.ts";
import { APP_URL, notificationBed } from "../helpers/notifications.ts";
import { startWebhookReceiver } from "../helpers/notification_stand_ins.ts";

Deno.test("a target that goes down and comes back: the webhook hears the incident open, then resolve", async () => {
  let healthy = false;
  const target = startTarget(() =>
    healthy ? new Response("ok") : new Response("broken", { status: 500 })
  );
  const receiver = startWebhookReceiver();
  const bed = await notificationBed({ REGIONS: "ams" });
  const worker = startWorker(bed.server.bed, "ams");
  try {
    const { api } = bed.owner;
    // Only the local target is checked (the bed's own monitor has no reachable host).
    await api.website.delete.mutate({ id: bed.website.id });
    await api.notification.create.mutate({
      kind: "webhook",
      name: "Hook",
      config: { url: receiver.url },
    });
    const website = await api.website.create.mutate({
      url: target.url,
      name: "Local target",
      intervalSeconds: 60,
      confirmations: 1,
      quorum: "any",
    });
    bed.startDispatcher();
    const { services } = bed;
    const lease = new LeaderLease(services.redis, services.keys.publisherLease, 10_000);
    const publisher = new Publisher({
      sql: services.sql,
      redis: services.redis,
      keys: services.keys,
      lease,
      defaults: { intervalSeconds: 60, timeoutMs: 2_000 },
    });
    const start = Date.now();

    assert.equal((await publisher.runCycle(new Date(start))).tasks >= 1, true);
    await eventually(() => receiver.requests.length >= 1, 30_000, "the down webhook");
    const down = receiver.requests[0].body;
    assert.equal(down.type, "incident.opened");
    assert.equal(down.monitor.id, website.id);
    assert.equal(down.monitor.dashboardUrl, `${APP_URL}/app/monitors/${website.id}`);
    assert.deepEqual([down.incident.failingRegions, down.incident.totalRegions], [["ams"], 1]);
    assert.equal(down.incident.cause.httpStatus, 500);

    healthy = true;
    await publisher.runCycle(new Date(start + 61_000));
    await eventually(() => receiver.requests.length >= 2, 30_000, "the recovery webhook");
    const up = receiver.requests[1].body;
    assert.equal(up.type, "incident.resolved");
    assert.equal(up.incident.id, down.incident.id);
    assert.equal(
      receiver.requests[1].headers.get("idempotency-key"),
      `${down.incident.id}:resolved`,
    );
  } finally {
    await worker.stop();
    await bed.close();
    await Promise.all([receiver.close(), target.close()]);
  }
});
