/**
 * The notifications page in real Chromium: add a webhook channel with the form, copy its
 * generated secret (shown once), send a test notification that arrives at a local receiver, see it
 * in the channel's deliveries, edit the channel, then delete it after confirming.
 */
import assert from "node:assert/strict";
import { apiServer } from "../helpers/api.ts";
import { closeBrowser, launchChromium, screenshots, watchProblems } from "../helpers/browser.ts";
import {
  startMatrix,
  startTwilio,
  startWebhookReceiver,
} from "../helpers/notification_stand_ins.ts";

Deno.test({
  name: "a channel added in the dashboard gets its test notification; edit and delete it",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const receiver = startWebhookReceiver();
    const matrix = startMatrix("syt_browser_bot_token_42");
    const sid = `AC${"7f".repeat(16)}`;
    const twilio = startTwilio(sid, "d".repeat(32));
    const server = await apiServer({ TWILIO_API_URL: twilio.url });
    const browser = await launchChromium();
    try {
      const owner = await server.user("browser");
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addCookies(
        [...owner.jar].map(([name, value]) => ({ name, value, url: server.url })),
      );
      const page = await context.newPage();
      const problems = watchProblems(page);

      await page.goto(`${server.url}/app/notifications`);
      await page.getByText("No channels yet").waitFor();
      await screenshots(page, "notifications-empty");

      // A Slack URL that is not a URL is refused at its field.
      await page.getByRole("link", { name: "Add Slack" }).click();
      await page.getByLabel("Incoming webhook URL").fill("ftp://hooks.example.com/x");
      await page.getByRole("button", { name: "Add channel" }).click();
      await page.getByText("Expected an http:// or https:// URL").waitFor();
      // What was typed is still there to correct.
      assert.equal(
        await page.getByLabel("Incoming webhook URL").inputValue(),
        "ftp://hooks.example.com/x",
      );
      await screenshots(page, "notifications-form-error");

      await page.goto(`${server.url}/app/notifications`);
      await page.getByRole("link", { name: "Add Webhook" }).click();
      await page.getByLabel("Name").fill("Ops hook");
      await page.getByLabel("URL", { exact: true }).fill(`${receiver.url}/uptime`);
      await screenshots(page, "notifications-new");
      await page.getByRole("button", { name: "Add channel" }).click();
      const secret = await page.getByTestId("webhook-secret").textContent();
      assert.match(secret ?? "", /^whsec_/);
      await page.getByRole("button", { name: "Copy webhook signing secret" }).waitFor();
      await screenshots(page, "notifications-secret");
      // The secret is on the channel's own page, shown once: a reload neither shows it
      // again nor adds the channel twice.
      await page.reload();
      await page.getByText("Channel added.").waitFor();
      assert.equal(await page.getByTestId("webhook-secret").count(), 0);
      assert.equal((await owner.api.notification.list.query()).length, 1);

      await page.getByRole("button", { name: "Send test notification" }).click();
      await page.getByText("Test notification sent.").waitFor();
      assert.equal(receiver.requests.length, 1);
      assert.equal(receiver.requests[0].body.type, "test");
      assert.equal(receiver.requests[0].path, "/uptime");
      const row = page.getByRole("row").nth(1);
      assert.match(await row.textContent() ?? "", /Test.*Delivered/);
      await screenshots(page, "notifications-channel");
      // On a phone the deliveries fit their card: attempts and error sit under the status.
      await page.setViewportSize({ width: 390, height: 800 });
      const [wide, room] = await page.locator("table").last().evaluate((table) => [
        table.scrollWidth,
        table.parentElement!.clientWidth,
      ]);
      assert.ok(wide <= room, `the deliveries are ${wide} px wide in ${room} px`);
      await page.setViewportSize({ width: 1280, height: 800 });

      await page.getByRole("link", { name: "Edit" }).click();
      await page.getByLabel("Name").fill("Ops webhook");
      await page.getByRole("button", { name: "Save changes" }).click();
      await page.getByText("Changes saved.").waitFor();
      assert.equal((await owner.api.notification.list.query())[0].name, "Ops webhook");

      await page.goto(`${server.url}/app/notifications`);
      await screenshots(page, "notifications-list");
      await page.getByRole("button", { name: "Send test notification to Ops webhook" }).click();
      await page.getByText("Test notification sent.").waitFor();
      assert.equal(receiver.requests.length, 2);

      await page.getByRole("link", { name: "Delete" }).click();
      await screenshots(page, "notifications-delete");
      await page.getByRole("button", { name: "Delete channel" }).click();
      await page.getByText("Channel deleted.").waitFor();
      assert.deepEqual(await owner.api.notification.list.query(), []);

      // A Matrix room: its three settings, the token masked once saved.
      await page.getByRole("link", { name: "Add Matrix" }).click();
      await page.getByLabel("Name").fill("Ops room");
      await page.getByLabel("Homeserver URL").fill(matrix.url);
      await page.getByLabel("Room id").fill("!ops:matrix.example.org");
      await page.getByLabel("Access token of the bot account").fill("syt_browser_bot_token_42");
      await screenshots(page, "notifications-matrix");
      await page.getByRole("button", { name: "Add channel" }).click();
      await page.getByText("Channel added.").waitFor();
      assert.ok(!(await page.content()).includes("syt_browser_bot_token_42"));
      await page.getByRole("button", { name: "Send test notification" }).click();
      await page.getByText("Test notification sent.").waitFor();
      assert.equal(matrix.requests.length, 1);
      assert.equal(matrix.requests[0].body.msgtype, "m.text");

      // A phone: the number as people write it, a wrong one refused at its field.
      await page.goto(`${server.url}/app/notifications`);
      await page.getByRole("link", { name: "Add SMS (Twilio)" }).click();
      await page.getByLabel("Name").fill("On-call phone");
      await page.getByLabel("Account SID").fill(sid);
      await page.getByLabel("Auth token").fill("d".repeat(32));
      await page.getByLabel("From").fill("+1 415 555 0100");
      await page.getByLabel("To", { exact: true }).fill("07700 900123");
      await page.getByRole("button", { name: "Add channel" }).click();
      await page.getByText("Expected a phone number in international form").waitFor();
      await screenshots(page, "notifications-sms-error");
      await page.getByLabel("Auth token").fill("d".repeat(32));
      await page.getByLabel("To", { exact: true }).fill("+44 7700 900123");
      await page.getByRole("button", { name: "Add channel" }).click();
      await page.getByText("Channel added.").waitFor();
      await page.getByRole("button", { name: "Send test notification" }).click();
      await page.getByText("Test notification sent.").waitFor();
      assert.equal(new URLSearchParams(twilio.requests[0].raw).get("To"), "+447700900123");
      await screenshots(page, "notifications-sms");
      // The refused form was answered 400 on purpose; nothing else went wrong.
      assert.deepEqual(problems.filter((p) => !p.includes("status of 400")), []);
    } finally {
      await closeBrowser(browser);
      await server.close();
      await receiver.close();
      await matrix.close();
      await twilio.close();
    }
  },
});
