/**
 * Editing maintenance in real Chromium: a scheduled window shown in the browser's own time
 * zone, moved and given another monitor; one in progress keeps its start; without
 * JavaScript the same form works in UTC; an ended one is no longer editable. Screenshots
 * at 1280 and 390 px go to .data/screenshots/.
 */
import assert from "node:assert/strict";
import { apiServer } from "../helpers/api.ts";
import { closeBrowser, launchChromium, screenshots, watchProblems } from "../helpers/browser.ts";
import { formatLocalInput } from "../../lib/time_format.ts";

const HOSTILE = "<img src=x onerror=alert(1)> Billing";
const ZONE = "America/New_York";
const SLOW_MS = 90_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

Deno.test({
  name: "maintenance windows are changed in Chromium, in the browser's time zone",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await apiServer();
    const browser = await launchChromium();
    try {
      const owner = await server.user("maintenance-edit");
      const api = await owner.api.website.create.mutate({ url: "https://api.example.com/" });
      const shop = await owner.api.website.create.mutate({
        url: "https://shop.example.com/",
        name: "Shop",
      });
      const tomorrow = Math.floor((Date.now() + 24 * HOUR) / MINUTE) * MINUTE;
      const scheduled = await owner.api.maintenance.create.mutate({
        title: "Billing move",
        startsAt: tomorrow,
        endsAt: tomorrow + 2 * HOUR,
        websiteIds: [api.id],
      });
      const running = await owner.api.maintenance.create.mutate({
        title: "Deploy",
        startsAt: Date.now(),
        endsAt: Date.now() + HOUR,
        websiteIds: [api.id],
      });
      const context = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        timezoneId: ZONE,
      });
      context.setDefaultTimeout(SLOW_MS);
      await context.addCookies(
        [...owner.jar].map(([name, value]) => ({ name, value, url: server.url })),
      );
      const page = await context.newPage();
      const problems = watchProblems(page);

      await page.goto(`${server.url}/app/maintenance`);
      await page.getByRole("link", { name: "Edit (Billing move)" }).click();
      await page.getByRole("heading", { name: "Edit maintenance" }).waitFor();
      // Filled in UTC by the server, shown in New York time by the browser.
      await page.getByTestId("time-zone").getByText(ZONE).waitFor();
      assert.equal(await page.getByLabel("Starts").inputValue(), formatLocalInput(tomorrow, ZONE));
      assert.equal(
        await page.getByLabel("Ends").inputValue(),
        formatLocalInput(tomorrow + 2 * HOUR, ZONE),
      );
      assert.equal(await page.getByLabel("Title").inputValue(), "Billing move");
      assert.ok(await page.getByLabel("api.example.com").isChecked());
      await screenshots(page, "maintenance-edit");

      // An end before the start is refused at its field, with the rest kept.
      await page.getByLabel("Title").fill(HOSTILE);
      await page.getByLabel("Ends").fill(formatLocalInput(tomorrow - HOUR, ZONE));
      await page.getByLabel("Shop").check();
      await page.getByRole("button", { name: "Save maintenance" }).click();
      await page.locator("#endsAt-error").getByText("Must be after the start").waitFor();
      assert.equal(await page.getByLabel("Title").inputValue(), HOSTILE);
      assert.ok(await page.getByLabel("Shop").isChecked());
      await page.getByTestId("time-zone").getByText(ZONE).waitFor();
      await screenshots(page, "maintenance-edit-error");

      // Three hours long now, for both monitors; the start, untouched, stays as it was.
      await page.getByLabel("Ends").fill(formatLocalInput(tomorrow + 3 * HOUR, ZONE));
      await page.getByRole("button", { name: "Save maintenance" }).click();
      await page.getByText("Maintenance window saved.").waitFor();
      await page.getByText(HOSTILE, { exact: true }).waitFor();
      const saved = (await owner.api.maintenance.list.query()).find((w) => w.id === scheduled.id)!;
      assert.deepEqual(
        [saved.title, saved.startsAt, saved.endsAt, saved.websiteIds],
        [HOSTILE, tomorrow, tomorrow + 3 * HOUR, [api.id, shop.id].sort()],
      );

      // In progress: its start is shown, not asked for; its end moves.
      await page.getByRole("link", { name: "Edit (Deploy)" }).click();
      await page.getByText("a window in progress keeps its start").waitFor();
      assert.equal(await page.getByLabel("Starts").count(), 0);
      await screenshots(page, "maintenance-edit-in-progress");
      const later = Math.floor((Date.now() + 2 * HOUR) / MINUTE) * MINUTE;
      await page.getByLabel("Ends").fill(formatLocalInput(later, ZONE));
      await page.getByRole("button", { name: "Save maintenance" }).click();
      await page.getByText("Maintenance window saved.").waitFor();
      const deploy = (await owner.api.maintenance.list.query()).find((w) => w.id === running.id)!;
      assert.deepEqual(
        [deploy.startsAt, deploy.endsAt, deploy.state],
        [running.startsAt, later, "in-progress"],
      );
      // The refused form is a 400 document, which Chromium logs; nothing else may be.
      assert.deepEqual(problems.filter((p) => !/status of 400 .*\/edit/.test(p)), []);

      // Without JavaScript the form shows and reads UTC.
      const plain = await browser.newContext({ javaScriptEnabled: false, timezoneId: ZONE });
      plain.setDefaultTimeout(SLOW_MS);
      await plain.addCookies(
        [...owner.jar].map(([name, value]) => ({ name, value, url: server.url })),
      );
      const noScript = await plain.newPage();
      await noScript.goto(`${server.url}/app/maintenance/${scheduled.id}/edit`);
      assert.equal(
        (await noScript.getByTestId("time-zone").textContent())?.trim(),
        "Times are in UTC.",
      );
      assert.equal(
        await noScript.getByLabel("Starts").inputValue(),
        formatLocalInput(tomorrow, "UTC"),
      );
      await noScript.getByLabel("Starts").fill(formatLocalInput(tomorrow + HOUR, "UTC"));
      await noScript.getByRole("button", { name: "Save maintenance" }).click();
      await noScript.getByText("Maintenance window saved.").waitFor();
      const moved = (await owner.api.maintenance.list.query()).find((w) => w.id === scheduled.id)!;
      assert.deepEqual([moved.startsAt, moved.endsAt], [tomorrow + HOUR, tomorrow + 3 * HOUR]);

      // Ended: no Edit on the list, and a saved link leads back to it with a word why.
      await owner.api.maintenance.end.mutate({ id: running.id });
      await noScript.goto(`${server.url}/app/maintenance`);
      assert.equal(await noScript.getByRole("link", { name: "Edit (Deploy)" }).count(), 0);
      await noScript.goto(`${server.url}/app/maintenance/${running.id}/edit`);
      await noScript.getByText("That maintenance window had already ended.").waitFor();
      const missing = await noScript.goto(`${server.url}/app/maintenance/not-a-window/edit`);
      assert.equal(missing?.status(), 404);
      await plain.close();
      await context.close();
    } finally {
      await closeBrowser(browser);
      await server.close();
    }
  },
});
