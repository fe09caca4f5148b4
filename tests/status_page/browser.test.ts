/**
 * The public status page in a real browser (Debian's Chromium through playwright-core):
 * complete without JavaScript, live with it, and a hostile title shown as text.
 * Screenshots (1280 and 390 px, light and dark) go to .data/screenshots/.
 */
import assert from "node:assert/strict";
import { apiServer } from "../helpers/api.ts";
import { publishLiveResults } from "../../services/live_status/publish.ts";
import type { CheckRow } from "../../db/clickhouse/check_row.ts";
import { rollUpRecentHours } from "../../db/clickhouse/rollup.ts";
import { closeBrowser, launchChromium } from "../helpers/browser.ts";
import { sql } from "../../db/clickhouse/sql.ts";

const TITLE = "<script>alert(1)</script>";

function check(websiteId: string, region: string, outcome: "up" | "down"): CheckRow {
  const now = Math.floor(Date.now() / 1000);
  return {
    website_id: websiteId,
    region_id: region,
    scheduled_at: now,
    checked_at: now,
    outcome,
    http_status: outcome === "up" ? 200 : 503,
    response_ms: 40,
    error_kind: outcome === "up" ? "" : "http_status",
    error_message: "",
  };
}

Deno.test({
  name:
    "the public page: complete without JavaScript, red live when a target goes down, title as text",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await apiServer();
    const browser = await launchChromium();
    try {
      const ada = await server.user("ada");
      const ids: string[] = [];
      for (const name of ["API", "Website", "Docs"]) {
        const [row] = await server.bed.pg.sql`
          insert into websites (owner_id, url, name, regions, interval_seconds)
          values (${ada.user.id}, ${`https://${name.toLowerCase()}.example.com/`}, ${name},
                  ${["ams", "iad"]}, 60)
          returning id`;
        ids.push(row.id);
      }
      await ada.api.statusPage.create.mutate({
        slug: "acme",
        title: TITLE,
        websiteIds: ids,
        showUrls: [ids[1]],
      });
      // 90 days of history: a check every 6 hours per region, a bad day 10 days ago for API.
      const nowSeconds = Math.floor(Date.now() / 1000);
      const history = ids.flatMap((id, n) =>
        ["ams", "iad"].flatMap((region) =>
          Array.from({ length: 360 }, (_, i) => {
            const at = nowSeconds - i * 21_600;
            const down = (n === 0 && Math.floor(i / 4) === 10 && i % 2 === 0) ||
              (n === 1 && i === 100);
            return { ...check(id, region, down ? "down" : "up"), scheduled_at: at, checked_at: at };
          })
        )
      );
      await server.bed.ch.insert(sql`checks`, history);
      await rollUpRecentHours(server.bed.ch);
      const { redis, keys } = server.bed;
      await publishLiveResults(
        redis,
        keys,
        ids.flatMap((id) => [check(id, "ams", "up"), check(id, "iad", "up")]),
      );
      const url = `${server.url}/status/acme`;
      const dialogs: string[] = [];

      // Without JavaScript: every monitor's state and its 90 bars are there.
      const noJs = await browser.newContext({ javaScriptEnabled: false });
      const still = await noJs.newPage();
      still.on("dialog", (d) => dialogs.push(d.message()));
      await still.goto(url);
      assert.equal(await still.textContent("h1"), TITLE);
      assert.equal(
        await still.textContent("[data-testid=overall-status]"),
        "All systems operational",
      );
      for (const id of ids) {
        assert.match(
          (await still.textContent(`[data-monitor="${id}"] [data-status]`))!,
          /^Operational \(ams: up, iad: up\)$/,
        );
        assert.equal(await still.locator(`[data-monitor="${id}"] [data-day]`).count(), 90);
      }
      assert.equal(await still.locator("text=No incidents in the last 90 days").count(), 1);
      await noJs.close();

      // With JavaScript: live.
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on("pageerror", (e) => problems.push(e.message));
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(`${m.text()} ${m.location().url}`);
      });
      page.on("dialog", (d) => dialogs.push(d.message()));
      await page.goto(url);
      await page.waitForSelector("text=· live");
      // All up: a green dot in the tab (the page names its icon, so no /favicon.ico miss).
      assert.match((await page.getAttribute('link[rel="icon"]', "href"))!, /%2315803d/);
      await Deno.mkdir(".data/screenshots", { recursive: true });
      await page.screenshot({ path: ".data/screenshots/status-1280-light.png", fullPage: true });

      // The API answers, but slower than its threshold in iad: degraded performance, live.
      await publishLiveResults(redis, keys, [{ ...check(ids[0], "iad", "up"), degraded: 1 }]);
      await page.waitForSelector(`[data-monitor="${ids[0]}"] [data-status="slow"]`);
      await page.waitForSelector('[data-overall="degraded-performance"]');
      assert.equal(
        await page.textContent("[data-testid=overall-status]"),
        "Degraded performance",
      );
      // The tab's dot follows: yellow (#a16207).
      await page.waitForFunction(() =>
        document.querySelector('link[rel="icon"]')?.getAttribute("href")?.includes("%23a16207")
      );
      await page.screenshot({
        path: ".data/screenshots/status-1280-light-slow.png",
        fullPage: true,
      });

      // The API's target goes down in both regions: the worker's writer publishes it.
      await publishLiveResults(redis, keys, [
        check(ids[0], "ams", "down"),
        check(ids[0], "iad", "down"),
      ]);
      await page.waitForSelector(`[data-monitor="${ids[0]}"] [data-status="down"]`);
      await page.waitForSelector('[data-overall="partial-outage"]');
      const banner = await page.$eval(
        '[data-overall="partial-outage"]',
        (el) => getComputedStyle(el).backgroundColor,
      );
      assert.notEqual(banner, "rgb(5, 150, 105)", "the banner is no longer green");
      const pill = await page.$eval(
        `[data-monitor="${ids[0]}"] [data-status]`,
        (el) => getComputedStyle(el).backgroundColor,
      );
      assert.equal(pill, "rgb(255, 228, 230)", "the monitor's pill is red (rose-100)");
      await page.screenshot({
        path: ".data/screenshots/status-1280-light-down.png",
        fullPage: true,
      });

      const uptimeShown = new Map<number, number>();
      for (const [width, scheme] of [[1280, "dark"], [390, "light"], [390, "dark"]] as const) {
        const shot = await browser.newContext({
          viewport: { width, height: 900 },
          colorScheme: scheme,
        });
        const p = await shot.newPage();
        await p.goto(url);
        const overflow = await p.evaluate(() =>
          document.documentElement.scrollWidth > document.documentElement.clientWidth
        );
        assert.equal(overflow, false, `no horizontal overflow at ${width}px`);
        // A phone shows 30 days of bars, and the uptime of those 30 days beside them.
        const labels = await p.locator(`[data-monitor="${ids[1]}"] [data-bar-labels]`).innerText();
        const days = width === 390 ? 30 : 90;
        const said = new RegExp(
          `^${days} days ago\\s+([\\d.]+)% uptime (over the last ${days} days|since \\d+ \\w+ \\d{4})`,
        ).exec(labels);
        assert.ok(said, labels);
        uptimeShown.set(days, Number(said[1]));
        await p.screenshot({
          path: `.data/screenshots/status-${width}-${scheme}.png`,
          fullPage: true,
        });
        await shot.close();
      }
      // Website's one bad moment, 25 days ago, weighs more in 30 days than in 90.
      assert.ok(uptimeShown.get(30)! < uptimeShown.get(90)!, JSON.stringify([...uptimeShown]));
      assert.deepEqual(dialogs, [], "the title never ran as script");
      assert.deepEqual(problems, []);
    } finally {
      await closeBrowser(browser);
      await server.close();
    }
  },
});
