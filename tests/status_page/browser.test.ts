/**
 * The public status page in a real browser (Debian's Chromium through playwright-core):
 * complete without JavaScript, live with it, and a hostile title shown as text.
 * Screenshots (1280 and 390 px, light and dark) go to .data/screenshots/.
 */
import assert from "node:assert/strict";
import { apiServer } from "../helpers/api.ts";
import { publishLiveResults } from "../../services/live_status/publish.ts";
import { checkRow } from "../helpers/incidents.ts";
import { rollUpRecentHours } from "../../db/clickhouse/rollup.ts";
import { closeBrowser, launchChromium } from "../helpers/browser.ts";
import { sql } from "../../db/clickhouse/sql.ts";

const TITLE = "<script>alert(1)</script>";
/** Now, in epoch seconds: a live result's slot. */
const seconds = () => Math.floor(Date.now() / 1000);

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
            return checkRow(id, region, at, !down);
          })
        )
      );
      await server.bed.ch.insert(sql`checks`, history);
      await rollUpRecentHours(server.bed.ch);
      const { redis, keys } = server.bed;
      await publishLiveResults(
        redis,
        keys,
        ids.flatMap((
          id,
        ) => [checkRow(id, "ams", seconds(), true), checkRow(id, "iad", seconds(), true)]),
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
      await publishLiveResults(redis, keys, [{
        ...checkRow(ids[0], "iad", seconds(), true),
        degraded: 1,
      }]);
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
        checkRow(ids[0], "ams", seconds(), false),
        checkRow(ids[0], "iad", seconds(), false),
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

Deno.test({
  name: "a day's bar opens its card on hover, from the keyboard and on a tap, with the outage",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await apiServer();
    const browser = await launchChromium();
    try {
      const ada = await server.user("ada");
      const [api] = await server.bed.pg.sql`
        insert into websites (owner_id, url, name, regions, interval_seconds)
        values (${ada.user.id}, 'https://api.example.com/', 'API', ${["ams"]}, 60)
        returning id`;
      await ada.api.statusPage.create.mutate({ slug: "acme", title: "Acme", websiteIds: [api.id] });
      // Three days ago: 24 hourly checks, 2 of them down, and a 14-minute outage at 14:02.
      const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
      const day = today - 3 * 86_400_000;
      const hourly = (start: number, down: number[]) =>
        Array.from({ length: 24 }, (_, h) => {
          const at = Math.floor((start + h * 3_600_000) / 1000);
          return checkRow(api.id, "ams", at, !down.includes(h));
        });
      await server.bed.ch.insert(sql`checks`, [
        ...hourly(day, [14, 15]),
        ...hourly(day + 86_400_000, []),
      ]);
      await rollUpRecentHours(server.bed.ch);
      const [incident] = await server.bed.pg.sql`
        insert into incidents (website_id, started_at, resolved_at, cause_error_kind,
          cause_error_message, cause_http_status, regions, total_regions)
        values (${api.id}, ${new Date(day + 14 * 3_600_000 + 2 * 60_000).toISOString()},
          ${new Date(day + 14 * 3_600_000 + 16 * 60_000).toISOString()}, 'http_status', '', 503,
          ${["ams"]}, 1)
        returning id`;
      const date = new Date(day).toISOString().slice(0, 10);
      const url = `${server.url}/status/acme`;
      const problems: string[] = [];

      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      page.on("pageerror", (e) => problems.push(e.message));
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(`${m.text()} ${m.location().url}`);
      });
      await page.goto(url);
      const row = page.getByRole("group", { name: /^Daily uptime of API, last 90 days: / });
      await row.waitFor();
      // One tab stop for the row: today's bar.
      assert.equal(await row.locator('button[tabindex="0"]').count(), 1);
      assert.equal(await row.getByRole("button").count(), 90);

      // Hover: the day's uptime, checks and the outage, linked to the incident below.
      const bar = row.locator(`[data-day="${date}"]`);
      assert.equal(await bar.getAttribute("aria-label"), `${date}: 91.66% uptime`);
      await bar.hover();
      const card = page.locator(`[data-day-card="${date}"]`);
      await card.waitFor();
      const text = await card.innerText();
      assert.match(text, /91\.66% uptime · 24 checks/);
      assert.match(text, /Down 14:02 – 14:16 UTC \(14 min\)/);
      await page.screenshot({ path: ".data/screenshots/status-day-card-1280-light.png" });
      await card.getByRole("link", { name: /^Down 14:02/ }).click();
      assert.equal(new URL(page.url()).hash, `#incident-${incident.id}`);
      assert.ok(await page.locator(`#incident-${incident.id}`).isVisible());

      // Keyboard: the row's tab stop is today; arrows walk back to the day, Escape closes.
      await row.locator('button[tabindex="0"]').focus();
      const todayCard = page.locator(
        `[data-day-card="${new Date(today).toISOString().slice(0, 10)}"]`,
      );
      await todayCard.waitFor();
      assert.match(await todayCard.innerText(), /No checks this day/);
      for (let i = 0; i < 2; i++) await page.keyboard.press("ArrowLeft");
      assert.match(
        await page.locator("[data-day-card]").innerText(),
        /100% uptime · 24 checks\s+No downtime recorded/,
      );
      await page.keyboard.press("ArrowLeft");
      await card.waitFor();
      assert.equal(await bar.evaluate((el) => el === document.activeElement), true);
      await page.keyboard.press("Escape");
      await card.waitFor({ state: "detached" });
      await page.keyboard.press("Home");
      assert.equal(
        await page.evaluate(() => document.activeElement?.getAttribute("data-day")),
        await row.locator("[data-day]").first().getAttribute("data-day"),
      );

      // A click pins the card: a click on its text keeps it, Escape closes it.
      await bar.click();
      await card.locator("p").first().click();
      await page.mouse.move(0, 0);
      assert.ok(await card.isVisible(), "a click inside the pinned card keeps it");
      await page.keyboard.press("Escape");
      await card.waitFor({ state: "detached" });
      // Opened by the pointer alone, Escape closes it too.
      await bar.hover();
      await card.waitFor();
      await page.keyboard.press("Escape");
      await card.waitFor({ state: "detached" });
      await context.close();

      // A phone: 30 bars, a tap opens the card, a tap elsewhere closes it.
      for (const scheme of ["light", "dark"] as const) {
        const phone = await browser.newContext({
          viewport: { width: 390, height: 844 },
          hasTouch: true,
          isMobile: true,
          colorScheme: scheme,
        });
        const p = await phone.newPage();
        p.on("pageerror", (e) => problems.push(e.message));
        await p.goto(url);
        const phoneRow = p.getByRole("group", { name: /^Daily uptime of API/ });
        await phoneRow.waitFor();
        await phoneRow.locator(`[data-day="${date}"]`).tap();
        const phoneCard = p.locator(`[data-day-card="${date}"]`);
        await phoneCard.waitFor();
        assert.match(await phoneCard.innerText(), /Down 14:02 – 14:16 UTC/);
        const box = (await phoneCard.boundingBox())!;
        assert.ok(box.x >= 0 && box.x + box.width <= 390, `the card fits: ${JSON.stringify(box)}`);
        await p.screenshot({ path: `.data/screenshots/status-day-card-390-${scheme}.png` });
        await p.getByRole("heading", { name: "Monitors" }).tap();
        await phoneCard.waitFor({ state: "detached" });
        // A bar mid-row gets its card beneath it, not where it would be among 90.
        const middle = new Date(today - 15 * 86_400_000).toISOString().slice(0, 10);
        const middleBar = phoneRow.locator(`[data-day="${middle}"]`);
        await middleBar.tap();
        const barBox = (await middleBar.boundingBox())!;
        const middleBox = (await p.locator(`[data-day-card="${middle}"]`).boundingBox())!;
        const barCenter = barBox.x + barBox.width / 2;
        assert.ok(
          middleBox.x < barCenter && barCenter < middleBox.x + middleBox.width,
          `${JSON.stringify(middleBox)} spans ${barCenter}`,
        );
        assert.ok(Math.abs(middleBox.x + middleBox.width / 2 - barCenter) < 2);
        await middleBar.tap();
        await p.locator("[data-day-card]").waitFor({ state: "detached" });
        // Home stops at the first bar a phone shows, 30 days back.
        await phoneRow.locator('button[tabindex="0"]').focus();
        await p.keyboard.press("Home");
        assert.equal(
          await p.evaluate(() => document.activeElement?.getAttribute("data-day")),
          new Date(today - 29 * 86_400_000).toISOString().slice(0, 10),
        );
        await phone.close();
      }
      assert.deepEqual(problems, []);
    } finally {
      await closeBrowser(browser);
      await server.close();
    }
  },
});
