/**
 * Escalation in real Chromium: chosen in the monitor's form (refused without a channel to
 * escalate to), told in its settings, promised on the page of an incident nobody has
 * acknowledged, escalated there by hand before its time ("Escalate now", then not again by
 * the leader's sweep at that time), delivered (the dispatcher posting to local Slack and
 * webhook stand-ins) and shown on that page and in the incidents list.
 */
import assert from "node:assert/strict";
import { notificationBed } from "../helpers/notifications.ts";
import { eventually } from "../helpers/pipeline.ts";
import { startSlack, startWebhookReceiver } from "../helpers/notification_stand_ins.ts";
import {
  closeBrowser,
  launchChromium,
  screenshots,
  signedInContext,
  watchProblems,
} from "../helpers/browser.ts";
import { checkRow } from "../helpers/incidents.ts";
import { evaluateStoredResults } from "../../services/incidents/evaluation/evaluate.ts";
import { relayIncidentEvents } from "../../services/incidents/evaluation/event_relay.ts";
import { escalateOpenIncidents } from "../../services/incidents/escalations.ts";

const LEAD = "<img src=x onerror=alert(1)> lead";

Deno.test({
  name:
    "a monitor set to escalate after 10 minutes alerts the team lead when nobody acknowledges its incident",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const webhook = startWebhookReceiver();
    const slack = startSlack();
    const bed = await notificationBed({ REGIONS: "ams", REGION: "ams" });
    const browser = await launchChromium();
    try {
      const { api } = bed.owner;
      const hook = await api.notification.create.mutate({
        kind: "webhook",
        name: "Team hook",
        config: { url: `${webhook.url}/hooks` },
      });
      const lead = await api.notification.create.mutate({
        kind: "slack",
        name: LEAD,
        config: { webhookUrl: `${slack.url}/services/T000/B000/XXXX` },
      });
      await api.website.update.mutate({
        id: bed.website.id,
        confirmations: 1,
        quorum: "any",
        notificationIds: [hook.id],
      });
      const context = await signedInContext(browser, bed.server.url, bed.owner.jar);
      const page = await context.newPage();
      const problems = watchProblems(page);

      const edit = `${bed.server.url}/app/monitors/${bed.website.id}/edit`;
      const save = () =>
        Promise.all([
          page.waitForEvent("load"),
          page.getByRole("button", { name: "Save changes" }).click(),
        ]);
      await page.goto(edit);
      const after = page.getByLabel("Escalate after");
      assert.equal(await after.inputValue(), "", "never, unless chosen");
      await after.selectOption({ label: "10 min unacknowledged" });
      // No channel ticked: refused, saying what is missing.
      await save();
      await page.locator("#escalate_after-error").getByText(
        "At least one channel to escalate to",
      ).waitFor();
      assert.equal((await api.website.get.query({ id: bed.website.id })).escalation, null);
      await page.getByRole("group", { name: "Escalate to" }).getByLabel(LEAD).check();
      await page.getByLabel("Escalate after").scrollIntoViewIfNeeded();
      await screenshots(page, "escalation-monitor-form");
      await save();
      assert.deepEqual((await api.website.get.query({ id: bed.website.id })).escalation, {
        afterMinutes: 10,
        notificationIds: [lead.id],
      });
      await page.locator("#settings").getByText(
        "after 10 min unacknowledged, to 1 chosen channel",
      ).waitFor();

      // Down: an incident opens, and only the first channel hears of it.
      bed.startDispatcher();
      const slot = Math.floor(Date.now() / 1000) - 60;
      await evaluateStoredResults(bed.services.sql, [checkRow(bed.website.id, "ams", slot, false)]);
      await relayIncidentEvents(bed.services.sql, bed.services.redis, bed.services.keys);
      const [incident] = await bed.services.sql`
        select id, ceil(extract(epoch from created_at) * 1000)::float8 as opened
        from incidents where website_id = ${bed.website.id}`;
      await eventually(() => webhook.requests.length === 1, 15_000, "the down alert");
      await page.goto(`${bed.server.url}/app/incidents/${incident.id}`);
      const summary = page.getByRole("region", { name: "Summary" });
      await summary.getByText(`Not yet: after 10 min unacknowledged, ${LEAD} is alerted`)
        .waitFor();
      await screenshots(page, "escalation-incident-before");

      // Someone who knows it is bad need not wait the 10 minutes.
      await Promise.all([
        page.waitForEvent("load"),
        page.getByRole("button", { name: "Escalate now" }).click(),
      ]);
      await page.getByText("Incident escalated. Its escalation channels are being alerted.")
        .waitFor();
      assert.equal(await page.getByRole("button", { name: "Escalate now" }).count(), 0);
      await eventually(() => slack.requests.length === 1, 15_000, "the escalation at Slack");
      const sweep = { sql: bed.services.sql, redis: bed.services.redis, keys: bed.services.keys };
      const later = new Date(incident.opened + 10 * 60_000);
      assert.equal(await escalateOpenIncidents(sweep, later), 0, "escalated once");
      await page.reload();
      const timeline = page.locator("#timeline");
      await timeline.getByText("Escalation delivered to").waitFor();
      assert.match(
        await timeline.innerText(),
        new RegExp(`Escalated by ${bed.owner.email}: its escalation channels were alerted`),
      );
      assert.match(
        await timeline.innerText(),
        /Escalation delivered to <img src=x onerror=alert\(1\)> lead \(Slack\)/,
      );
      await summary.getByText(/, to its escalation channels$/).waitFor();
      assert.match(await summary.innerText(), new RegExp(`By ${bed.owner.email}, `));
      assert.equal(await page.locator("img[src=x]").count(), 0, "a channel's name stays text");
      await screenshots(page, "escalation-incident");
      // The list of incidents says so beside the button that would have stopped it.
      await page.goto(`${bed.server.url}/app/incidents`);
      await page.getByText(/^Escalated /).first().waitFor();
      await screenshots(page, "escalation-incidents");
      // The refused form answers 400, as it should.
      assert.deepEqual(problems.filter((p) => !/status of 400 .*\/edit/.test(p)), []);
    } finally {
      await closeBrowser(browser);
      await bed.close();
      await Promise.all([webhook.close(), slack.close()]);
    }
  },
});
