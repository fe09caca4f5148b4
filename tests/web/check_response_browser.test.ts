/**
 * Seeing why a check failed, in real Chromium, with a real publisher and worker checking a
 * local target that answers 503: the failed check on the monitor's page and on its
 * incident's page folds out the answer (status, headers, start of the body) as text, with
 * JavaScript and without.
 */
import assert from "node:assert/strict";
import { apiServer } from "../helpers/api.ts";
import { spawnProcess } from "../helpers/processes.ts";
import { eventually, startTarget } from "../helpers/pipeline.ts";
import {
  closeBrowser,
  launchChromium,
  screenshots,
  signedInContext,
  watchProblems,
} from "../helpers/browser.ts";

const PAGE =
  `<h1>Down for maintenance</h1><script>alert("script")</script><img src=x onerror=alert("img")>`;

Deno.test({
  name: "a failed check shows the answer that failed it, as text",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const target = startTarget(() =>
      new Response(PAGE, {
        status: 503,
        headers: { "content-type": "text/html", "retry-after": "120" },
      })
    );
    const env = { REGIONS: "local", MIN_INTERVAL_SECONDS: "1", PUBLISHER_TICK_MS: "300" };
    const server = await apiServer(env);
    const processEnv = { ...server.bed.env, ...env, LOG_LEVEL: "warn" };
    const publisher = spawnProcess("publisher/main.ts", processEnv);
    const worker = spawnProcess("worker/main.ts", processEnv);
    const browser = await launchChromium();
    try {
      const owner = await server.user("answers");
      const site = await owner.api.website.create.mutate({
        url: target.url,
        name: "Checkout",
        intervalSeconds: 1,
        confirmations: 1,
      });
      let incidentId = "";
      await eventually(
        async () => {
          const { incidents } = await owner.api.incident.list.query({ websiteId: site.id });
          incidentId = incidents[0]?.id ?? "";
          return incidentId !== "";
        },
        30_000,
        "the incident",
      );

      // Without JavaScript: folded, escaped text.
      const plain = await (await owner.fetch(`${server.url}/app/monitors/${site.id}`)).text();
      assert.match(plain, /<details><summary[^>]*>Response<span class="sr-only">/);
      assert.match(plain, /<pre[^>]*>HTTP 503\n[^<]*retry-after: 120\n/);
      assert.match(plain, /&lt;script(>|&gt;)alert\(/);
      assert.doesNotMatch(plain, /<script>alert|<img src=x/);

      // No more checks: the page's newest row is the one its live socket sends again.
      await Promise.all([worker.stop(), publisher.stop()]);
      const context = await signedInContext(browser, server.url, owner.jar);
      const page = await context.newPage();
      const problems = watchProblems(page);
      await page.goto(`${server.url}/app/monitors/${site.id}`);
      const newest = page.locator("#checks tbody > tr").first();
      await page.locator("#checks tbody > tr[data-live]").first().waitFor();
      assert.equal(await newest.getAttribute("data-live"), "true", "the live socket's row");
      assert.equal(
        await page.locator("#checks tbody > tr").nth(1).getAttribute("data-response"),
        "",
        "the newest check keeps its answer once live",
      );
      for (const path of [`/app/monitors/${site.id}`, `/app/incidents/${incidentId}`]) {
        await page.goto(`${server.url}${path}`);
        const table = page.locator(path.includes("incidents") ? "#failures" : "#checks");
        await table.locator("details:visible summary").first().click();
        const answer = table.locator("details[open] pre").first();
        await answer.waitFor();
        const text = await answer.innerText();
        assert.match(text, /^HTTP 503\n/);
        assert.match(text, /retry-after: 120/);
        assert.ok(text.endsWith(PAGE), text);
        assert.equal(await page.locator("img[src=x]").count(), 0, "the body is text, not markup");
        await screenshots(
          page,
          `check-response-${path.includes("incidents") ? "incident" : "monitor"}`,
        );
      }
      assert.deepEqual(problems, []);
    } finally {
      await closeBrowser(browser);
      await Promise.all([worker.stop(), publisher.stop()]);
      await target.close();
      await server.close();
    }
  },
});
