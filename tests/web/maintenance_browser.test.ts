/**
 * Maintenance in real Chromium: schedule a window in the browser's own time zone, see it
 * on the list, on the monitor's page and on the public status page, end one and cancel
 * another; without JavaScript the same form works in UTC. Hostile titles show as text.
 * Screenshots at 1280 and 390 px, light and dark, go to .data/screenshots/.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { apiServer } from "../helpers/api.ts";
import { closeBrowser, launchChromium, screenshots, watchProblems } from "../helpers/browser.ts";

const SCRIPT_TITLE = "<script>alert(1)</script> DB upgrade";
const IMG_NAME = "<img src=x onerror=alert(1)>";
const ZONE = "America/New_York";
const SLOW_MS = 90_000;

/** "2026-12-04T10:00" for `at` in `timeZone`, as a datetime-local field holds it. */
function localValue(at: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    }).formatToParts(at).map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

async function noWiderThanPhone(page: Page, name: string) {
  await page.setViewportSize({ width: 360, height: 740 });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 360, `${name} is ${wide} px wide on a 360 px phone`);
  await page.setViewportSize({ width: 1280, height: 900 });
}

Deno.test({
  name: "maintenance is scheduled, shown and ended in Chromium",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    // A short cache, so that a page told of a change loads itself again soon.
    const server = await apiServer({ STATUS_PAGE_CACHE_MS: "500" });
    const browser = await launchChromium();
    try {
      const owner = await server.user("maintenance");
      const api = await owner.api.website.create.mutate({
        url: "https://api.example.com/",
        name: "API",
      });
      await owner.api.website.create.mutate({ url: "https://shop.example.com/", name: IMG_NAME });
      const statusPage = await owner.api.statusPage.create.mutate({
        slug: `acme-${crypto.randomUUID().slice(0, 8)}`,
        title: "Acme",
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

      await page.goto(`${server.url}/app`);
      await page.getByRole("link", { name: "Maintenance", exact: true }).click();
      await page.getByRole("heading", { name: "No maintenance scheduled" }).waitFor();
      // The island says which zone the times are read in: the browser's own.
      await page.getByTestId("time-zone").getByText(ZONE).waitFor();
      await screenshots(page, "maintenance-empty");

      // The end before the start: refused at its field, with what was chosen kept.
      const inTwoHours = Date.now() + 2 * 3_600_000;
      await page.getByLabel("Title").fill(SCRIPT_TITLE);
      await page.getByLabel("Message (optional)").fill("The API may answer slowly.");
      await page.getByLabel("Starts").fill(localValue(inTwoHours, ZONE));
      await page.getByLabel("Ends").fill(localValue(inTwoHours - 3_600_000, ZONE));
      await page.getByLabel("API").check();
      await page.getByRole("button", { name: "Schedule maintenance" }).click();
      await page.locator("#endsAt-error").getByText("Must be after the start").waitFor();
      assert.equal(await page.getByLabel("Ends").getAttribute("aria-invalid"), "true");
      assert.ok(await page.getByLabel("API").isChecked());
      await page.getByTestId("time-zone").getByText(ZONE).waitFor();
      await screenshots(page, "maintenance-error");
      // A time the clocks skip in New York is refused, not moved an hour.
      await page.getByLabel("Starts").fill("2027-03-14T02:30");
      await page.getByLabel("Ends").fill("2027-03-14T05:00");
      await page.getByRole("button", { name: "Schedule maintenance" }).click();
      await page.locator("#startsAt-error").getByText(`No such time in ${ZONE}`).waitFor();

      // Starting now (Starts left empty), ending in two hours of New York time.
      await page.getByLabel("Starts").fill("");
      await page.getByLabel("Ends").fill(localValue(inTwoHours, ZONE));
      await page.getByRole("button", { name: "Schedule maintenance" }).click();
      await page.getByText("Maintenance scheduled.").waitFor();
      const [window] = await owner.api.maintenance.list.query();
      assert.equal(window.title, SCRIPT_TITLE);
      assert.equal(window.state, "in-progress");
      assert.equal(window.endsAt, Math.floor(inTwoHours / 60_000) * 60_000, "read in " + ZONE);
      assert.deepEqual(window.websiteIds, [api.id]);

      // One more, tomorrow, for both monitors.
      await page.getByLabel("Title").fill("Billing move");
      await page.getByLabel("Starts").fill(localValue(Date.now() + 24 * 3_600_000, ZONE));
      await page.getByLabel("Ends").fill(localValue(Date.now() + 26 * 3_600_000, ZONE));
      await page.getByLabel("API").check();
      await page.getByLabel(IMG_NAME).check();
      await page.getByRole("button", { name: "Schedule maintenance" }).click();
      await page.getByText("Maintenance scheduled.").waitFor();
      const rows = page.getByRole("region", { name: "Maintenance windows" }).locator("li");
      assert.equal(await rows.count(), 2);
      assert.match(await rows.nth(0).textContent() ?? "", /DB upgrade.*In progress/);
      assert.match(await rows.nth(1).textContent() ?? "", /Billing move.*Scheduled/);
      await rows.nth(1).getByRole("link", { name: IMG_NAME }).waitFor();
      // A title with no place to break wraps anywhere rather than widen the pages.
      const long = await owner.api.maintenance.create.mutate({
        title: "W".repeat(100),
        message: "Line one\nline two",
        startsAt: Date.now() + 30 * 3_600_000,
        endsAt: Date.now() + 31 * 3_600_000,
        websiteIds: [api.id],
      });
      await page.reload();
      await screenshots(page, "maintenance-list");
      await noWiderThanPhone(page, "the maintenance list");

      // The monitors table marks it; the monitor's page says so, and so does the public page.
      await page.goto(`${server.url}/app`);
      assert.equal(
        await page.locator(`tr[data-monitor="${api.id}"] [data-maintenance]`).textContent(),
        "Maintenance",
      );
      assert.equal(await page.locator("tr [data-maintenance]").count(), 1);
      await screenshots(page, "monitors-maintenance");
      await page.goto(`${server.url}/app/monitors/${api.id}`);
      await screenshots(page, "monitor-maintenance");
      await noWiderThanPhone(page, "the monitor page");
      assert.match(
        await page.locator("[data-maintenance]").textContent() ?? "",
        /Under maintenance until .*DB upgrade.*no alerts/,
      );
      await page.goto(`${server.url}/status/${statusPage.slug}`);
      await page.getByTestId("overall-status").getByText("Under maintenance").waitFor();
      const section = page.getByRole("region", { name: "Maintenance" });
      await section.getByText(SCRIPT_TITLE).waitFor();
      await section.getByText("The API may answer slowly.").waitFor();
      await section.getByText("Scheduled").first().waitFor();
      await page.locator('[data-status="maintenance"]').waitFor();
      await screenshots(page, "status-page-maintenance");
      await noWiderThanPhone(page, "the status page");
      // Changed while the page is open: it loads itself again, without the window.
      await owner.api.maintenance.delete.mutate({ id: long.id });
      await section.getByText("W".repeat(100)).waitFor({ state: "detached" });
      await section.getByText(SCRIPT_TITLE).waitFor();

      // End the one in progress; cancel the other.
      await page.goto(`${server.url}/app/maintenance`);
      // "Cancel maintenance" from a page left open while its window started cancels nothing.
      const started = await owner.api.maintenance.create.mutate({
        title: "Started meanwhile",
        startsAt: Date.now(),
        endsAt: Date.now() + 3_600_000,
        websiteIds: [api.id],
      });
      await page.evaluate((id) => {
        const form = document.createElement("form");
        form.method = "post";
        form.action = "/app/maintenance";
        for (const [name, value] of [["intent", "cancel"], ["id", id]]) {
          const input = Object.assign(document.createElement("input"), { name, value });
          form.append(input);
        }
        document.body.append(form);
        form.submit();
      }, started.id);
      await page.getByText("had already started, so it was not cancelled").waitFor();
      await owner.api.maintenance.delete.mutate({ id: started.id });
      await page.goto(`${server.url}/app/maintenance`);
      await page.getByRole("button", { name: `End now (${SCRIPT_TITLE})` }).click();
      await page.getByText("Maintenance ended.").waitFor();
      assert.match(await rows.nth(1).textContent() ?? "", /Completed/);
      await page.getByRole("button", { name: "Cancel maintenance (Billing move)" }).click();
      await page.getByText("The maintenance window was deleted.").waitFor();
      assert.deepEqual(
        (await owner.api.maintenance.list.query()).map((w) => w.state),
        ["completed"],
      );
      await page.goto(`${server.url}/status/${statusPage.slug}`);
      await page.getByTestId("overall-status").getByText("No data yet").waitFor();
      assert.equal(await page.getByRole("region", { name: "Maintenance" }).count(), 0);
      // The refused form is a 400 document, which Chromium logs; nothing else may be.
      assert.deepEqual(problems.filter((p) => !/status of 400 .*\/app\/maintenance/.test(p)), []);

      // Without JavaScript the form posts as it is, its times read in UTC.
      const plain = await browser.newContext({ javaScriptEnabled: false, timezoneId: ZONE });
      plain.setDefaultTimeout(SLOW_MS);
      await plain.addCookies(
        [...owner.jar].map(([name, value]) => ({ name, value, url: server.url })),
      );
      const noScript = await plain.newPage();
      await noScript.goto(`${server.url}/app/maintenance`);
      assert.equal(
        (await noScript.getByTestId("time-zone").textContent())?.trim(),
        "Times are in UTC.",
      );
      await noScript.getByLabel("Title").fill("No script");
      await noScript.getByLabel("Ends").fill(localValue(inTwoHours, "UTC"));
      await noScript.getByLabel("API").check();
      await noScript.getByRole("button", { name: "Schedule maintenance" }).click();
      await noScript.getByText("Maintenance scheduled.").waitFor();
      const latest = (await owner.api.maintenance.list.query())[0];
      assert.deepEqual(
        [latest.title, latest.endsAt],
        ["No script", Math.floor(inTwoHours / 60_000) * 60_000],
      );
      await plain.close();
      await context.close();
    } finally {
      await closeBrowser(browser);
      await server.close();
    }
  },
});
