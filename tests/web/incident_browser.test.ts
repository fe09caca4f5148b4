/**
 * An outage in real Chromium, with a real publisher and worker checking a local target:
 * the incident appears on the monitor's page and on the incidents page, is acknowledged
 * with its button, and shows as resolved once the target is back; down again, pausing the
 * monitor resolves the new incident too.
 */
import assert from "node:assert/strict";
import { apiServer } from "../helpers/api.ts";
import { spawnProcess } from "../helpers/processes.ts";
import { eventually, startTarget } from "../helpers/pipeline.ts";
import { closeBrowser, launchChromium, screenshots, watchProblems } from "../helpers/browser.ts";
import { evaluateStoredResults } from "../../services/incidents/evaluation/evaluate.ts";
import { checkRow } from "../helpers/incidents.ts";

Deno.test({
  name: "an outage becomes an incident on the monitor page, is acknowledged, and resolves",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    let healthy = true;
    const target = startTarget(() =>
      healthy ? new Response("ok") : new Response("gone", { status: 503 })
    );
    const env = { REGIONS: "local", MIN_INTERVAL_SECONDS: "1", PUBLISHER_TICK_MS: "300" };
    const server = await apiServer(env);
    const processEnv = { ...server.bed.env, ...env, LOG_LEVEL: "warn" };
    const publisher = spawnProcess("publisher/main.ts", processEnv);
    const worker = spawnProcess("worker/main.ts", processEnv);
    const browser = await launchChromium();
    try {
      const owner = await server.user("outage");
      const site = await owner.api.website.create.mutate({
        url: target.url,
        name: "Checkout",
        intervalSeconds: 1,
        confirmations: 2,
      });
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addCookies(
        [...owner.jar].map(([name, value]) => ({ name, value, url: server.url })),
      );
      const page = await context.newPage();
      const problems = watchProblems(page);
      const monitorPage = `${server.url}/app/monitors/${site.id}`;
      const incidents = page.locator("#incidents");
      const ongoingIncident = (what: string) =>
        eventually(
          async () => {
            await page.goto(monitorPage);
            return await incidents.getByText("Ongoing").first().isVisible();
          },
          30_000,
          what,
        );

      await page.goto(monitorPage);
      await incidents.getByText("No incidents.").waitFor();

      healthy = false;
      await ongoingIncident("the incident on the monitor page");
      assert.match(await incidents.innerText(), /Unexpected status: expected 2xx or 3xx, got 503/);
      await screenshots(page, "incident-monitor-ongoing");

      // Its page, left open, counts the checks that arrive after it loaded.
      await incidents.getByRole("link", { name: /^Details of the incident of Checkout/ }).click();
      await page.getByRole("heading", { name: "Incident of Checkout" }).waitFor();
      const arrived = page.locator("[data-incident-live]");
      await arrived.getByText(/Since this page loaded: \d+ failed checks?/).waitFor();
      await screenshots(page, "incident-detail-ongoing");
      const failedBefore = await page.locator("#failures tbody tr").count();
      await Promise.all([
        page.waitForEvent("load"),
        arrived.getByRole("link", { name: "Reload to see them" }).click(),
      ]);
      assert.ok(
        (await page.locator("#failures tbody tr").count()) > failedBefore,
        "the reloaded page lists the new failed checks",
      );

      await page.getByRole("link", { name: "Incidents", exact: true }).click();
      await page.waitForURL(`${server.url}/app/incidents`);
      await page.getByRole("link", { name: "Checkout" }).first().waitFor();
      await screenshots(page, "incidents-ongoing");
      await page.getByRole("button", { name: /^Acknowledge the incident of Checkout/ }).first()
        .click();
      await page.waitForURL(`${server.url}/app/incidents?notice=incident-acknowledged`);
      await page.getByRole("status").filter({ hasText: "Incident acknowledged." }).waitFor();
      await page.getByText(`By ${owner.email}`).first().waitFor();

      healthy = true;
      await eventually(
        async () => {
          await page.goto(monitorPage);
          return (await incidents.getByText("Ongoing").count()) === 0;
        },
        30_000,
        "the incident resolved",
      );
      await screenshots(page, "incident-monitor-resolved");
      await page.goto(`${server.url}/app/incidents`);
      await screenshots(page, "incidents-resolved");
      const list = (await owner.api.incident.list.query()).incidents;
      assert.equal(list.length, 1, "one outage, one incident");

      // Its own page: why, when, where, told by whom.
      await page.getByRole("link", { name: /^Details of the incident of Checkout/ }).click();
      await page.waitForURL(`${server.url}/app/incidents/${list[0].id}`);
      await page.getByRole("heading", { name: "Incident of Checkout" }).waitFor();
      assert.match(await page.locator("#timeline").innerText(), /Acknowledged by/);
      assert.match(
        await page.locator("#timeline").innerText(),
        /Recovered: its checks passed again/,
      );
      const failedChecks = await page.locator("#failures tbody tr").count();
      assert.ok(failedChecks >= 2, `${failedChecks} failed checks listed (2 confirmations)`);
      assert.match(await page.locator("#regions").innerText(), /local\s+\d+ of \d+/);
      await screenshots(page, "incident-detail-resolved");
      assert.notEqual(list[0].resolvedAt, null);
      assert.equal(list[0].acknowledgedBy, owner.email);

      // Down again, then paused: the pause page offers to end the incident too.
      healthy = false;
      await ongoingIncident("a second incident");
      await page.getByRole("link", { name: "Pause" }).click();
      const resolveToo = page.getByLabel("Also resolve its ongoing incident");
      assert.ok(await resolveToo.isChecked());
      await screenshots(page, "monitor-pause-ongoing-incident");
      await page.getByRole("button", { name: "Pause monitor" }).click();
      await page.getByText("Monitor paused and its incident resolved.").waitFor();
      assert.equal(await incidents.getByText("Ongoing").count(), 0);
      assert.deepEqual(problems, []);
    } finally {
      await closeBrowser(browser);
      await Promise.all([worker.stop(), publisher.stop()]);
      await target.close();
      await server.close();
    }
  },
});

Deno.test({
  name: "a monitor name with no place to break keeps the incidents list inside the screen",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await apiServer({ REGIONS: "local" });
    const browser = await launchChromium();
    try {
      const owner = await server.user("long-name");
      const now = Math.floor(Date.now() / 1000);
      for (const name of ["A".repeat(100), "Shop"]) {
        const site = await owner.api.website.create.mutate({
          url: "https://shop.example.com/",
          name,
          confirmations: 1,
        });
        await evaluateStoredResults(server.services.sql, [
          checkRow(site.id, "local", now - 60, false),
        ]);
      }
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addCookies(
        [...owner.jar].map(([name, value]) => ({ name, value, url: server.url })),
      );
      const page = await context.newPage();
      await page.goto(`${server.url}/app/incidents`);
      // Every column in sight at 1280 px: the Acknowledge buttons too, without scrolling.
      const table = page.locator("table");
      const { scrollWidth, clientWidth } = await table.locator("xpath=..").evaluate((el) => ({
        scrollWidth: el.scrollWidth,
        clientWidth: el.clientWidth,
      }));
      assert.ok(scrollWidth <= clientWidth, `the table is ${scrollWidth} px in ${clientWidth}`);
      assert.ok(await table.getByRole("button", { name: /^Acknowledge/ }).first().isVisible());
      await screenshots(page, "incidents-long-name");
      await page.setViewportSize({ width: 390, height: 800 });
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= 390, `the page is ${wide} px wide on a 390 px phone`);
    } finally {
      await closeBrowser(browser);
      await server.close();
    }
  },
});
