/**
 * The monitor detail page in real Chromium: uPlot draws the chart, the range switch
 * moves to another range, and a result published the way the worker publishes it
 * appears at the top of the recent checks and changes the announced state; a new
 * monitor's first check offers its figures, and checks too sparse for a line are dots.
 * Screenshots at 1280 and 390 px, light and dark, go to .data/screenshots/ for a person
 * to look at.
 */
import assert from "node:assert/strict";
import { type Page } from "playwright-core";
import { apiServer } from "../helpers/api.ts";
import { publishLiveResults } from "../../services/live_status/publish.ts";
import { insertRows, seedRows } from "../helpers/seed_checks.ts";
import { closeBrowser, launchChromium } from "../helpers/browser.ts";
import { SERIES_COLORS } from "../../components/monitor/chart_data.ts";
import type { CheckRow } from "../../db/clickhouse/check_row.ts";

const SCREENSHOTS = new URL("../../.data/screenshots/", import.meta.url);

/** Waits until uPlot has drawn, and returns how many points it drew. */
async function drawnPoints(page: Page): Promise<number> {
  await page.waitForSelector('[data-chart="uplot"][data-points] canvas');
  return Number(await page.getAttribute('[data-chart="uplot"]', "data-points"));
}

/** Pixels of the chart in its first series' colour (lines and dots, not grid or axes). */
function seriesPixels(page: Page): Promise<number> {
  const [r, g, b] = SERIES_COLORS[0].light.slice(1).match(/../g)!.map((hex) => parseInt(hex, 16));
  return page.$eval('[data-chart="uplot"] canvas', (canvas, [r, g, b]) => {
    const c = canvas as HTMLCanvasElement;
    const data = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      const near = Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b);
      if (data[i + 3] === 255 && near < 30) count++;
    }
    return count;
  }, [r, g, b]);
}

/** Whether the chart's canvas holds painted pixels (not a blank rectangle). */
function canvasPainted(page: Page): Promise<boolean> {
  return page.$eval('[data-chart="uplot"] canvas', (canvas) => {
    const c = canvas as HTMLCanvasElement;
    const data = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
    return painted > 500;
  });
}

Deno.test({
  name: "the detail page draws its chart, switches range and shows new checks live",
  // playwright keeps timers and a child process alive between its own calls.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await apiServer({ REGIONS: "ams,iad", REGION: "ams" });
    const browser = await launchChromium();
    try {
      const owner = await server.user("owner");
      const website = await owner.api.website.create.mutate({
        url: "https://example.com/health",
        name: "<img src=x onerror=alert(1)>",
      });
      const now = Math.floor(Date.now() / 1000);
      await insertRows(server, seedRows(website.id, now));

      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addCookies(
        [...owner.jar].map(([name, value]) => ({ name, value, url: server.url })),
      );
      const page = await context.newPage();
      const problems: string[] = [];
      page.on("pageerror", (e) => problems.push(e.message));
      page.on("dialog", (d) => {
        problems.push(`a dialog opened: ${d.message()}`);
        void d.dismiss();
      });
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(`${m.text()} ${m.location().url}`);
      });
      const path = `/app/monitors/${website.id}`;
      await page.goto(`${server.url}${path}`);

      // The chart: uPlot replaced the SVG and painted every seeded bucket.
      const points = await drawnPoints(page);
      assert.ok(points >= 60, `uPlot drew ${points} points`);
      assert.ok(await canvasPainted(page), "the canvas is painted");
      assert.equal(await page.locator('svg[data-chart="svg"]').count(), 0);
      assert.match(
        (await page.getAttribute('[data-chart="uplot"]', "aria-label"))!,
        /^Response time by region/,
      );
      assert.equal(
        await page.locator("h1").textContent(),
        "<img src=x onerror=alert(1)>",
        "the hostile name shows as text",
      );

      await mkdirScreenshots();
      await page.screenshot({ path: shot("detail-1280-light.png"), fullPage: true });
      await page.emulateMedia({ colorScheme: "dark" });
      await page.waitForSelector('[data-chart="uplot"][data-scheme="dark"]');
      await page.screenshot({ path: shot("detail-1280-dark.png"), fullPage: true });
      await page.emulateMedia({ colorScheme: "light" });

      // Live: the page's socket is open; a result published as the worker does arrives.
      await page.waitForSelector('[data-live-state="open"]');
      const before = await page.locator("tbody[data-checks] tr").count();
      const scheduled = Math.floor(Date.now() / 1000);
      await publishLiveResults(server.bed.redis, server.bed.keys, [{
        website_id: website.id,
        region_id: "iad",
        scheduled_at: scheduled,
        checked_at: scheduled,
        outcome: "down",
        http_status: 0,
        response_ms: 10_000,
        error_kind: "timeout",
        error_message: "no answer within 10000 ms",
      }]);
      await page.waitForSelector('tbody[data-checks] tr[data-live="true"]');
      assert.equal(await page.locator("tbody[data-checks] tr").count(), before + 1);
      const top = await page.locator("tbody[data-checks] tr").first().textContent();
      assert.match(top!, /iad/);
      assert.match(top!, /Timed out/);
      assert.match(top!, /no answer within 10000 ms/, "a live row says what went wrong");
      await page.waitForFunction(() =>
        document.querySelector("[data-announcement]")?.textContent ===
          "Monitor is now down (failing in ams, iad)."
      );
      assert.equal(
        await page.getAttribute("[data-announcement]", "aria-live"),
        "polite",
      );
      assert.equal(
        await page.getAttribute("[data-monitor-status]", "data-monitor-status"),
        "down",
      );

      // The range switch is a link: 7 d loads the week and marks it current.
      await page.click('nav[aria-label="Time range"] >> text="7 d"');
      await page.waitForURL(/range=7d/);
      assert.equal(
        await page.getAttribute('nav[aria-label="Time range"] [aria-current="page"]', "href"),
        `${path}?range=7d`,
      );
      assert.ok(await drawnPoints(page) > 0);
      assert.match((await page.locator("h2").allTextContents()).join(" "), /last 7 days/);

      // A phone: nothing wider than the screen, and no table scrolls sideways.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${server.url}${path}`);
      await drawnPoints(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(overflow <= 390, `the page is ${overflow} px wide on a 390 px screen`);
      // Every section of the main navigation is on the screen, none scrolled out of it.
      for (
        const link of await page.getByRole("navigation", { name: "Main" }).getByRole("link").all()
      ) {
        const box = (await link.boundingBox())!;
        assert.ok(
          box.x >= 0 && box.x + box.width <= 390,
          `${await link.textContent()} is off screen`,
        );
      }
      // The recent checks fit without scrolling sideways: response and error sit under
      // the status there.
      const checks = page.locator("table:has([data-checks])");
      const [wide, room] = await checks.evaluate((table) => [
        table.scrollWidth,
        table.parentElement!.clientWidth,
      ]);
      assert.ok(wide <= room, `the recent checks are ${wide} px wide in ${room} px`);
      await assert.doesNotReject(
        checks.getByText("expected 2xx or 3xx, got 503").first().waitFor(),
      );
      // The timing phases are a list per region there, not a table wider than the card.
      const phases = page.locator('[data-phases-list="ams"]');
      assert.match(await phases.textContent() ?? "", /DNS.*Connect.*TLS.*First byte.*Total/);
      assert.equal(await page.locator("table:has([data-phases])").isVisible(), false);
      await page.screenshot({ path: shot("detail-390-light.png"), fullPage: true });
      await page.emulateMedia({ colorScheme: "dark" });
      await page.waitForSelector('[data-chart="uplot"][data-scheme="dark"]');
      await page.screenshot({ path: shot("detail-390-dark.png"), fullPage: true });

      // A new monitor waits for its first check, which then arrives live.
      const fresh = await owner.api.website.create.mutate({ url: "https://example.org/" });
      await page.emulateMedia({ colorScheme: "light" });
      await page.goto(`${server.url}/app/monitors/${fresh.id}`);
      await page.waitForSelector('[data-live-state="open"]');
      assert.equal(await page.locator("[data-waiting]").count(), 1);
      assert.equal(await page.locator("table").count(), 0);
      assert.equal(await page.getByRole("link", { name: "Show the figures" }).isVisible(), false);
      await page.screenshot({ path: shot("detail-empty-390-light.png"), fullPage: true });
      const first = Math.floor(Date.now() / 1000);
      const check = (at: number): CheckRow => ({
        website_id: fresh.id,
        region_id: "ams",
        scheduled_at: at,
        checked_at: at,
        outcome: "up",
        http_status: 200,
        response_ms: 42,
        error_kind: "",
        error_message: "",
      });
      await publishLiveResults(server.bed.redis, server.bed.keys, [check(first)]);
      await page.waitForSelector('tbody[data-checks] tr[data-live="true"]');
      assert.equal(await page.locator("[data-waiting]").count(), 0);
      assert.equal(
        await page.getAttribute("[data-monitor-status]", "data-monitor-status"),
        "up",
      );
      assert.match((await page.locator('[data-region="ams"]').textContent())!, /42 ms/);

      // The figures were computed before that check: the page offers them. Checked every
      // 10 minutes, no two checks share a line in 5-minute buckets: each is a dot.
      await insertRows(server, [0, 600, 1_200, 1_800].map((ago) => check(first - ago)));
      await page.getByRole("link", { name: "Show the figures" }).click();
      await page.waitForSelector('[data-chart="uplot"][data-points="4"] canvas');
      assert.equal(await page.locator('[data-tile="Uptime"] dd').last().textContent(), "4 checks");
      const drawn = await seriesPixels(page);
      assert.ok(drawn > 20, `the checks are drawn (${drawn} pixels)`);
      assert.equal(await page.getByRole("link", { name: "Show the figures" }).count(), 0);

      // A heartbeat's address is copied with one click, for the job's configuration.
      const beat = await owner.api.website.create.mutate({ type: "heartbeat", name: "Backup" });
      await context.grantPermissions(["clipboard-read", "clipboard-write"], {
        origin: server.url,
      });
      await page.goto(`${server.url}/app/monitors/${beat.id}`);
      await page.getByText("Waiting for the first beat.").waitFor();
      assert.match((await page.locator('[data-region="ams"]').textContent())!, /no beats yet/);
      await page.getByRole("button", { name: "Copy heartbeat address" }).click();
      await page.getByText("Copied").waitFor();
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(copied, beat.heartbeat!.pingUrl);
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        await page.screenshot({ path: shot(`monitor-heartbeat-${width}.png`), fullPage: true });
      }

      assert.deepEqual(problems, []);
    } finally {
      await closeBrowser(browser);
      await server.close();
    }
  },
});

function shot(name: string): string {
  return new URL(name, SCREENSHOTS).pathname;
}

async function mkdirScreenshots() {
  await Deno.mkdir(SCREENSHOTS, { recursive: true });
}
