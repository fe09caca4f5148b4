/**
 * Checks under maintenance in real Chromium: the monitor's daily bars draw a day of
 * nothing but maintenance in sky blue and say how many checks a mixed day left out, the
 * checks list marks them, and the status page's bars say "under maintenance". Screenshots
 * at 1280 and 390 px go to .data/screenshots/.
 */
import assert from "node:assert/strict";
import { apiServer } from "../helpers/api.ts";
import {
  closeBrowser,
  launchChromium,
  screenshots,
  signedInContext,
  watchProblems,
} from "../helpers/browser.ts";
import { insertRows } from "../helpers/seed_checks.ts";
import { checkRow } from "../helpers/incidents.ts";

const DAY = 86_400;

Deno.test({
  name: "checks under maintenance are drawn and listed as not counted",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await apiServer();
    const browser = await launchChromium();
    try {
      const owner = await server.user("maintenance-uptime");
      const api = await owner.api.website.create.mutate({
        url: "https://api.example.com/",
        name: "API",
      });
      // Yesterday, in its first seconds (more than a day ago, outside the 24-hour tiles, at
      // any hour the test runs): four failed checks, all under maintenance. Today: two
      // passed, then three failed under maintenance, the newest ones.
      const now = Math.floor(Date.now() / 1000);
      const today = Math.floor(now / DAY) * DAY;
      const row = (at: number, up: boolean, maintenance: 0 | 1) =>
        checkRow(api.id, api.regions[0], at, up, { response_ms: 120, maintenance });
      const start = Math.max(now - 300, today + 2);
      await insertRows(server, [
        ...[1, 2, 3, 4].map((k) => row(today - DAY + k, false, 1)),
        row(start - 2, true, 0),
        row(start - 1, true, 0),
        ...[0, 1, 2].map((k) => row(start + k, false, 1)),
      ]);
      const statusPage = await owner.api.statusPage.create.mutate({
        slug: `maint-${crypto.randomUUID().slice(0, 8)}`,
        title: "Acme",
        websiteIds: [api.id],
      });

      const context = await signedInContext(browser, server.url, owner.jar);
      const page = await context.newPage();
      const problems = watchProblems(page);
      await page.goto(`${server.url}/app/monitors/${api.id}`);
      // Each bar is a button named by its day, with its checks, once the page's script runs.
      const bars = page.getByRole("group", { name: "Daily uptime, last 90 days" })
        .locator("button[data-day]");
      const iso = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);
      assert.equal(
        await bars.nth(-2).getAttribute("aria-label"),
        `${iso(today - DAY)}: under maintenance`,
      );
      assert.equal(
        await bars.last().getAttribute("aria-label"),
        `${iso(today)}: 100% uptime, 2 checks, 3 checks during maintenance not counted`,
      );
      // A click opens the day's card.
      await bars.last().click();
      assert.match(
        await page.locator(`[data-day-card="${iso(today)}"]`).innerText(),
        /^.+\n+100% uptime · 2 checks\n+No downtime recorded\n+3 checks during maintenance not counted$/,
      );
      await page.getByText("maintenance (not counted)").waitFor();
      assert.equal(
        await page.locator('[data-tile="Uptime"] dd').last().textContent(),
        "2 checks; 3 checks during maintenance not counted",
      );
      await page.getByText("100% uptime since").waitFor();
      const marked = page.locator("[data-checks] tr", { hasText: "During maintenance" });
      assert.equal(await page.locator("[data-checks] tr").count(), 9);
      assert.equal(await marked.count(), 7, "the seven checks under maintenance are marked");
      await screenshots(page, "monitor-maintenance-uptime");

      await page.goto(`${server.url}/status/${statusPage.slug}`);
      // Each bar is a button named by its day once the page's script runs.
      const day = page.locator(`[data-monitor="${api.id}"] [role=group] button[data-day]`);
      assert.equal(
        await day.last().getAttribute("aria-label"),
        `${new Date(today * 1000).toISOString().slice(0, 10)}: 100% uptime, ` +
          "3 checks during maintenance not counted",
      );
      assert.equal(
        await day.nth(-2).getAttribute("aria-label"),
        `${new Date((today - DAY) * 1000).toISOString().slice(0, 10)}: under maintenance`,
      );
      await screenshots(page, "status-page-maintenance-uptime");
      assert.deepEqual(problems, []);
    } finally {
      await closeBrowser(browser);
      await server.close();
    }
  },
});
