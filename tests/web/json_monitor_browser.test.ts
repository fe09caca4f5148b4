/**
 * A JSON assertion from the dashboard, in real Chromium: a health endpoint's monitor added
 * with a JSON path and the value expected there, checked by a real publisher and worker,
 * down on its page without a reload when the endpoint's status changes, with the value it
 * found and the answer that failed it (live, before any reload).
 */
import assert from "node:assert/strict";
import { apiServer } from "../helpers/api.ts";
import { spawnProcess } from "../helpers/processes.ts";
import {
  closeBrowser,
  launchChromium,
  screenshots,
  signedInContext,
  watchProblems,
} from "../helpers/browser.ts";

Deno.test({
  name: "in Chromium: add a monitor that expects $.status to be ok, see it up, then down live",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    let status = "ok";
    const target = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      () => Response.json({ status, checks: { db: { latency_ms: 4 } } }),
    );
    const env = {
      REGIONS: "local",
      MIN_INTERVAL_SECONDS: "1",
      PUBLISHER_TICK_MS: "500",
      ALLOW_PRIVATE_TARGETS: "true",
    };
    const server = await apiServer(env);
    const processEnv = { ...server.bed.env, ...env, LOG_LEVEL: "warn" };
    const publisher = spawnProcess("publisher/main.ts", processEnv);
    const worker = spawnProcess("worker/main.ts", processEnv);
    const browser = await launchChromium();
    try {
      const { jar } = await server.user();
      const context = await signedInContext(browser, server.url, jar);
      const page = await context.newPage();
      const problems = watchProblems(page);
      await page.goto(`${server.url}/app/monitors/new`);
      await page.getByLabel("Name to look up").waitFor({ state: "detached" });
      await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${target.addr.port}/`);
      await page.getByLabel("Name", { exact: true }).fill("API health");
      await page.getByLabel("JSON path").fill("$.status");
      await page.getByLabel("Expected JSON value").fill("ok");
      await page.getByLabel("Check interval").selectOption("custom");
      await page.getByLabel("Custom interval (seconds)").fill("2");
      await page.getByLabel("Confirmations").fill("1");
      await screenshots(page, "json-monitor-new");
      await page.getByRole("button", { name: "Add monitor" }).click();
      await page.waitForURL(/\/app\/monitors\/[0-9a-f-]{36}\?notice=created$/);
      // The settings say it in words.
      await page.getByText("its JSON has “ok” at $.status").waitFor();

      const region = (words: string) =>
        page.locator("[data-region=local]").getByLabel(`local: ${words}`, { exact: true });
      await region("up").waitFor({ timeout: 30_000 });
      status = "degraded";
      await region("down").waitFor({ timeout: 30_000 });
      const reason = page.getByText('$.status is "degraded", expected "ok"')
        .filter({ visible: true }).first();
      await reason.waitFor();
      await screenshots(page, "json-monitor-down");
      // The latest status kept for sockets that subscribe later leaves the answer out: a
      // dashboard following hundreds of failing monitors gets their states, not pages of text.
      const id = /monitors\/([0-9a-f-]{36})/.exec(page.url())![1];
      const kept = await server.bed.redis.hgetall(server.bed.keys.liveStatus(id));
      assert.match(kept.local, /"outcome":"down"/);
      assert.doesNotMatch(kept.local, /"response"/);

      // The recent checks fold out the answer that failed it, from the live result.
      await page.locator("#checks details:visible summary").first().click();
      const answer = await page.locator("#checks details[open] pre").first().innerText();
      assert.match(answer, /^HTTP 200\n/);
      assert.ok(
        answer.endsWith('{"status":"degraded","checks":{"db":{"latency_ms":4}}}'),
        answer,
      );
      await screenshots(page, "json-monitor-response");

      // The edit form reads the assertion back.
      await page.getByRole("link", { name: "Edit settings" }).click();
      assert.equal(await page.getByLabel("JSON path").inputValue(), "$.status");
      assert.equal(await page.getByLabel("Expected JSON value").inputValue(), "ok");
      assert.deepEqual(problems.filter((p) => !p.includes("favicon")), []);
      await context.close();
    } finally {
      await closeBrowser(browser);
      await Promise.all([worker.stop(), publisher.stop()]);
      await server.close();
      await target.shutdown();
    }
  },
});
