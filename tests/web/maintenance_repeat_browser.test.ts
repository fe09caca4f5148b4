/**
 * A repeating maintenance window scheduled in real Chromium, in New York time: a bad
 * number of repeats is refused at its field with the rest kept, then three weekly windows
 * are listed, each named by its place in the series. Screenshots at 1280 and 390 px go to
 * .data/screenshots/.
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
import { formatLocalInput } from "../../lib/time_format.ts";

const ZONE = "America/New_York";
const HOUR = 3_600_000;

Deno.test({
  name: "a weekly maintenance window is scheduled from the form, three times",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await apiServer();
    const browser = await launchChromium();
    try {
      const owner = await server.user("maintenance-repeat");
      await owner.api.website.create.mutate({ url: "https://api.example.com/", name: "API" });
      const context = await signedInContext(browser, server.url, owner.jar, { timezoneId: ZONE });
      const page = await context.newPage();
      const problems = watchProblems(page);
      const tomorrow = Math.floor((Date.now() + 24 * HOUR) / 60_000) * 60_000;

      await page.goto(`${server.url}/app/maintenance`);
      await page.getByLabel("Title").fill("Backups");
      await page.getByLabel("Starts").fill(formatLocalInput(tomorrow, ZONE));
      await page.getByLabel("Ends").fill(formatLocalInput(tomorrow + HOUR, ZONE));
      await page.getByLabel("API").check();
      await page.getByLabel("Repeat").selectOption("week");
      await page.getByLabel("How many times").fill("20");
      // The browser itself refuses 20 (the field's max); the server says why without it.
      await page.locator("form:has(#times)").evaluate((form) => {
        (form as HTMLFormElement).noValidate = true;
      });
      await page.getByRole("button", { name: "Schedule maintenance" }).click();
      await page.locator("#times-error").getByText("Enter how many times, from 2 to 12").waitFor();
      assert.equal(await page.getByLabel("Repeat").inputValue(), "week");
      assert.equal(await page.getByLabel("Title").inputValue(), "Backups");
      await screenshots(page, "maintenance-repeat-error");

      await page.getByLabel("How many times").fill("3");
      await page.getByRole("button", { name: "Schedule maintenance" }).click();
      await page.getByText("Maintenance scheduled.").waitFor();
      const series = page.locator("[data-series]");
      assert.deepEqual(await series.allTextContents(), [
        "Every week · 1 of 3",
        "Every week · 2 of 3",
        "Every week · 3 of 3",
      ]);
      await page.getByRole("link", { name: "Edit (Backups, 2 of 3)" }).waitFor();
      const windows = await owner.api.maintenance.list.query();
      assert.deepEqual(
        windows.map((w) => formatLocalInput(w.startsAt, ZONE).slice(11)),
        Array(3).fill(formatLocalInput(tomorrow, ZONE).slice(11)),
        "the same clock time each week in New York",
      );
      await screenshots(page, "maintenance-repeat-list");
      await page.getByRole("button", { name: "Cancel this and later (Backups, 2 of 3)" }).click();
      await page.getByText("That window and the later ones of its series were cancelled.")
        .waitFor();
      assert.deepEqual(await series.allTextContents(), ["Every week · 1 of 3"]);
      // The refused form comes back as a 400, which Chromium reports; nothing else.
      assert.deepEqual(problems.filter((p) => !/status of 400 .*\/app\/maintenance/.test(p)), []);
    } finally {
      await closeBrowser(browser);
      await server.close();
    }
  },
});
