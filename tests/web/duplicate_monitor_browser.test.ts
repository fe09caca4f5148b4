/**
 * "Duplicate" in real Chromium: from a monitor's page to the add form filled as that
 * monitor, changed and added as a second monitor, the first left as it was.
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

Deno.test({
  name: "a monitor is duplicated with its settings, and the copy changed before it is added",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await apiServer({ REGIONS: "ams,fra", MIN_INTERVAL_SECONDS: "30" });
    const browser = await launchChromium();
    try {
      const owner = await server.user("copies");
      const shop = await owner.api.website.create.mutate({
        url: "https://shop.example.com/health",
        name: "Shop EU",
        keyword: "healthy",
        intervalSeconds: 30,
        regions: ["fra"],
        tags: ["production"],
        headers: { Authorization: "Bearer s3cret" },
      });
      const context = await signedInContext(browser, server.url, owner.jar);
      const page = await context.newPage();
      const problems = watchProblems(page);
      await page.goto(`${server.url}/app/monitors/${shop.id}`);
      await Promise.all([
        page.waitForURL(/\/app\/monitors\/new\?copy=/),
        page.getByRole("link", { name: "Duplicate" }).click(),
      ]);
      assert.equal(await page.getByLabel("Name", { exact: true }).inputValue(), "Copy of Shop EU");
      assert.equal(await page.getByLabel("Keyword").inputValue(), "healthy");
      assert.equal(await page.getByLabel("Header value 1").inputValue(), "Bearer s3cret");
      assert.equal(await page.getByRole("checkbox", { name: "fra" }).isChecked(), true);
      assert.equal(await page.getByRole("checkbox", { name: "ams" }).isChecked(), false);
      await screenshots(page, "monitor-duplicate");

      await page.getByLabel("URL", { exact: true }).fill("https://shop.example.com/us/health");
      await page.getByLabel("Name", { exact: true }).fill("Shop US");
      await Promise.all([
        page.waitForURL(/\/app\/monitors\/[0-9a-f-]{36}\?notice=created$/),
        page.getByRole("button", { name: "Add monitor" }).click(),
      ]);
      await page.getByRole("heading", { name: "Shop US" }).waitFor();
      const copyId = new URL(page.url()).pathname.split("/").at(-1)!;
      const copy = await owner.api.website.get.query({ id: copyId });
      assert.deepEqual(
        [copy.url, copy.keyword, copy.intervalSeconds, copy.regions, copy.tags, copy.headers],
        [
          "https://shop.example.com/us/health",
          "healthy",
          30,
          ["fra"],
          ["production"],
          { Authorization: "Bearer s3cret" },
        ],
      );
      const original = await owner.api.website.get.query({ id: shop.id });
      assert.equal(original.name, "Shop EU");
      assert.equal(original.url, "https://shop.example.com/health");
      assert.deepEqual(problems, []);
    } finally {
      await closeBrowser(browser);
      await server.close();
    }
  },
});
