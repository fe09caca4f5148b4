/**
 * Reminders in real Chromium: chosen in the monitor's form, promised on the page of an
 * incident nobody has acknowledged, delivered (the leader's sweep at a chosen time, the
 * dispatcher posting to a local webhook receiver) and shown in its timeline, and stopped
 * by the Acknowledge button.
 */
import assert from "node:assert/strict";
import { notificationBed } from "../helpers/notifications.ts";
import { eventually } from "../helpers/pipeline.ts";
import { startWebhookReceiver } from "../helpers/notification_stand_ins.ts";
import {
  closeBrowser,
  launchChromium,
  screenshots,
  signedInContext,
  watchProblems,
} from "../helpers/browser.ts";
import { checkRow } from "../helpers/incidents.ts";
import { evaluateStoredResults } from "../../services/incidents/evaluation/evaluate.ts";
import { remindOpenIncidents } from "../../services/incidents/reminders.ts";

Deno.test({
  name:
    "a monitor set to remind every 30 minutes reminds its channels until the incident is acknowledged",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const webhook = startWebhookReceiver();
    const bed = await notificationBed({ REGIONS: "ams", REGION: "ams" });
    const browser = await launchChromium();
    try {
      const { api } = bed.owner;
      await api.notification.create.mutate({
        kind: "webhook",
        name: "<img src=x onerror=alert(1)>",
        config: { url: `${webhook.url}/hooks` },
      });
      await api.website.update.mutate({ id: bed.website.id, confirmations: 1, quorum: "any" });
      const context = await signedInContext(browser, bed.server.url, bed.owner.jar);
      const page = await context.newPage();
      const problems = watchProblems(page);

      await page.goto(`${bed.server.url}/app/monitors/${bed.website.id}/edit`);
      const remind = page.getByLabel("Reminders");
      assert.equal(await remind.inputValue(), "", "never, unless chosen");
      await remind.selectOption({ label: "Every 30 minutes" });
      await Promise.all([
        page.waitForURL(/\/app\/monitors\/[^/]+(\?.*)?$/),
        page.getByRole("button", { name: "Save changes" }).click(),
      ]);
      assert.equal((await api.website.get.query({ id: bed.website.id })).remindEveryMinutes, 30);
      await page.goto(`${bed.server.url}/app/monitors/${bed.website.id}/edit`);
      assert.equal(await page.getByLabel("Reminders").inputValue(), "30");
      await page.getByLabel("Reminders").scrollIntoViewIfNeeded();
      await screenshots(page, "reminders-monitor-form");

      // Down: an incident opens, and its down alert goes out.
      bed.startDispatcher();
      const slot = Math.floor(Date.now() / 1000) - 60;
      await evaluateStoredResults(bed.services.sql, [checkRow(bed.website.id, "ams", slot, false)]);
      const [incident] = await bed.services.sql`
        select id, ceil(extract(epoch from created_at) * 1000)::float8 as opened
        from incidents where website_id = ${bed.website.id}`;
      await page.goto(`${bed.server.url}/app/incidents/${incident.id}`);
      const summary = page.getByRole("region", { name: "Summary" });
      await summary.getByText("No: its channels are reminded every 30 min until someone does")
        .waitFor();

      const sweep = (at: number) =>
        remindOpenIncidents({
          sql: bed.services.sql,
          redis: bed.services.redis,
          keys: bed.services.keys,
        }, new Date(at));
      assert.equal(await sweep(incident.opened + 30 * 60_000), 1);
      await eventually(
        () => webhook.requests.length === 2,
        15_000,
        "the down alert and a reminder",
      );
      await page.reload();
      const timeline = page.locator("#timeline");
      await timeline.getByText("Reminder 1 delivered to").waitFor();
      assert.match(
        await timeline.innerText(),
        /Reminder 1 delivered to <img src=x onerror=alert\(1\)> \(Webhook\)/,
      );
      assert.equal(await page.locator("img[src=x]").count(), 0, "a channel's name stays text");

      assert.equal(await sweep(incident.opened + 60 * 60_000), 1);
      await eventually(() => webhook.requests.length === 3, 15_000, "the second reminder");
      await page.reload();
      await timeline.getByText(/^Reminders delivered to .*, the last \(reminder 2\) at /).waitFor();
      await screenshots(page, "reminders-incident");

      await Promise.all([
        page.waitForEvent("load"),
        page.getByRole("button", { name: "Acknowledge" }).click(),
      ]);
      await summary.getByText(/^By /).waitFor();
      assert.equal(await sweep(incident.opened + 90 * 60_000), 0, "acknowledged: no more");
      assert.deepEqual(problems, []);
    } finally {
      await closeBrowser(browser);
      await bed.close();
      await webhook.close();
    }
  },
});
