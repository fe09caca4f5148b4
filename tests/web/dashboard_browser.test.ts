/**
 * The dashboard journey in real Chromium, against a real publisher and worker checking
 * local targets: sign up, add three monitors (one by keyboard alone), watch them go up
 * and down, see a target that goes down turn red without a reload, log out.
 */
import assert from "node:assert/strict";
import { apiServer } from "../helpers/api.ts";
import { spawnProcess } from "../helpers/processes.ts";
import { eventually, startTarget } from "../helpers/pipeline.ts";
import { closeBrowser, launchChromium, screenshots, watchProblems } from "../helpers/browser.ts";

const INTERVAL_SECONDS = 2;

Deno.test({
  name: "sign up, add monitors, see them up and down live, log out",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    let toggleUp = true;
    const up = startTarget();
    const down = startTarget(() => new Response("broken", { status: 500 }));
    const toggle = startTarget(() =>
      toggleUp ? new Response("ok") : new Response("gone", { status: 503 })
    );
    const env = {
      REGIONS: "local",
      MIN_INTERVAL_SECONDS: "1",
      PUBLISHER_TICK_MS: "500",
    };
    const server = await apiServer(env);
    const processEnv = { ...server.bed.env, ...env, LOG_LEVEL: "warn" };
    const publisher = spawnProcess("publisher/main.ts", processEnv);
    const worker = spawnProcess("worker/main.ts", processEnv);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const problems = watchProblems(page);

      await page.goto(server.url);
      await screenshots(page, "landing");
      await page.getByRole("link", { name: "Sign up" }).click();
      await screenshots(page, "signup");
      // Inline validation before anything is sent.
      await page.getByLabel("Email").fill("not-an-email");
      await page.getByLabel("Password").focus();
      await page.getByText("This does not look like an email address").waitFor();
      await page.getByLabel("Email").fill(`journey-${crypto.randomUUID().slice(0, 8)}@example.com`);
      await page.getByLabel("Password").fill("correct horse battery");
      await page.getByRole("button", { name: "Sign up" }).click();
      await page.waitForURL(`${server.url}/app`);
      await page.getByRole("link", { name: "Add your first monitor" }).waitFor();
      await screenshots(page, "monitors-empty");

      const add = async (name: string, url: string) => {
        await page.goto(`${server.url}/app/monitors/new`);
        await page.getByLabel("URL", { exact: true }).fill(url);
        await page.getByLabel("Name", { exact: true }).fill(name);
        await page.getByLabel("Check interval").selectOption("custom");
        await page.getByLabel("Custom interval (seconds)").fill(String(INTERVAL_SECONDS));
        await page.getByRole("button", { name: "Add monitor" }).click();
        await page.waitForURL(/\/app\/monitors\/[0-9a-f-]{36}\?notice=created$/);
      };
      await add("Up site", up.url);
      await page.goto(`${server.url}/app/monitors/new`);
      await page.getByLabel("Name to look up").waitFor({ state: "detached" });
      await screenshots(page, "monitor-new");
      // The form shows what the chosen type uses (once its script runs: until then, all).
      const shown = (label: string) => page.getByLabel(label, { exact: true }).isVisible();
      const type = page.getByLabel("Monitor type");
      await type.selectOption("tcp");
      assert.deepEqual(
        await Promise.all(["Method", "Keyword", "Request body", "Timeout (seconds)"].map(shown)),
        [false, false, false, true],
      );
      // host:port as the type's hint writes it, read as the API reads it (with or
      // without tcp://, any port but the blocked ones, 80 included).
      const urlField = page.getByLabel("URL", { exact: true });
      const urlError = page.locator("#url-error");
      for (
        const [value, error] of [
          ["127.0.0.1:9101", ""],
          ["db.example.com:80", ""],
          ["tcp://[::1]:5432", ""],
          ["db.example.com", "Enter a host and port such as db.example.com:5432"],
          ["127.0.0.1:25", "port 25 (smtp) is not allowed"],
        ]
      ) {
        await urlField.fill(value);
        await urlField.blur();
        const shownError = await urlError.textContent() ?? "";
        assert.ok(
          error ? shownError.includes(error) : shownError === "",
          `${value}: ${shownError}`,
        );
      }
      await urlField.fill("");
      await type.selectOption("heartbeat");
      assert.deepEqual(
        await Promise.all(
          ["URL", "Timeout (seconds)", "Grace time (seconds)", "Down when"].map(shown),
        ),
        [false, false, true, false],
      );
      await type.selectOption("http");
      assert.ok(await shown("Keyword"));
      // Adding or removing a header row leaves the keyboard in the rows, not at the top.
      const focused = () => page.evaluate(() => document.activeElement?.id ?? "");
      await page.getByRole("button", { name: "Add header" }).click();
      assert.equal(await focused(), "header-name-1");
      await page.getByRole("button", { name: "Remove header 2" }).click();
      assert.equal(await focused(), "header-name-0");
      await add("<img src=x onerror=alert(1)>", down.url);

      // The third one with the keyboard alone: the URL field has focus when the page opens.
      // (Once the form's script runs: until then it shows every type's fields, which it then
      // hides, and a busy machine can run it while the keys are pressed.)
      await page.goto(`${server.url}/app/monitors/new`);
      await page.getByLabel("Name to look up").waitFor({ state: "detached" });
      await page.keyboard.type(toggle.url);
      await page.keyboard.press("Tab");
      await page.keyboard.type("Toggle site");
      // Method, expected status, keyword, header rows, body, then the schedule.
      const focusOn = async (label: string) => {
        for (let i = 0; i < 30; i++) {
          const current = await page.evaluate(() => {
            const el = document.activeElement as HTMLInputElement | null;
            return el?.labels?.[0]?.textContent ?? "";
          });
          if (current === label) return;
          await page.keyboard.press("Tab");
        }
        throw new Error(`Tab never reached ${label}`);
      };
      await focusOn("Check interval");
      await page.keyboard.press("End"); // "Custom", the last option
      await focusOn("Custom interval (seconds)");
      await page.keyboard.type(String(INTERVAL_SECONDS));
      await page.keyboard.press("Enter");
      await page.waitForURL(/\/app\/monitors\/[0-9a-f-]{36}\?notice=created$/);

      await page.goto(`${server.url}/app`);
      // Live updates must arrive without reloading: a reload would clear this.
      await page.evaluate(() => (globalThis as { stayed?: boolean }).stayed = true);
      const row = (name: string) => page.locator("tr[data-monitor]", { hasText: name });
      await eventually(
        async () =>
          await row("Up site").getAttribute("data-status") === "up" &&
          await row("onerror").getAttribute("data-status") === "down" &&
          await row("Toggle site").getAttribute("data-status") === "up",
        30_000,
        "the three monitors to show up, down and up",
      );
      // The name is text, nothing ran.
      assert.equal(
        await row("onerror").locator("a").first().textContent(),
        "<img src=x onerror=alert(1)>",
      );
      assert.match(await row("Up site").textContent() ?? "", /\d+ (ms|s)/);
      await screenshots(page, "monitors");
      // On a phone the table shows name, status and uptime without scrolling sideways.
      await page.setViewportSize({ width: 390, height: 800 });
      const table = page.locator("table#monitors");
      assert.ok(await table.getByText("Uptime 24 h").isVisible());
      const overflow = await table.evaluate((el) => el.scrollWidth - el.parentElement!.clientWidth);
      assert.ok(overflow <= 0, `the table is ${overflow} px wider than its card on a phone`);
      await page.setViewportSize({ width: 1280, height: 800 });
      const summary = page.getByText(/^\d+ monitors? · \d+ down · \d+ paused$/);
      assert.equal(await summary.textContent(), "3 monitors · 1 down · 0 paused");

      // The toggled monitor's own page, open while it goes down, says that its incidents
      // and figures are from before, and offers to load them again.
      const signedIn = await browser.newContext({
        storageState: await page.context().storageState(),
      });
      const monitorPage = await signedIn.newPage();
      const toggleHref = await row("Toggle site").locator("a").first().getAttribute("href");
      await monitorPage.goto(new URL(toggleHref!, server.url).href);
      const change = monitorPage.locator("[data-status-change]");
      assert.equal(await change.isVisible(), false);

      toggleUp = false;
      const wentDown = Date.now();
      await eventually(
        async () => await row("Toggle site").getAttribute("data-status") === "down",
        (INTERVAL_SECONDS + 5) * 1000,
        "the toggled target's row to turn red",
      );
      assert.ok(Date.now() - wentDown <= (INTERVAL_SECONDS + 5) * 1000);
      assert.equal(await page.evaluate(() => (globalThis as { stayed?: boolean }).stayed), true);
      await eventually(() => change.isVisible(), 10_000, "the monitor page to say it changed");
      assert.match(
        await change.textContent() ?? "",
        /^Since this page loaded: A check failed in local\./,
      );
      await screenshots(monitorPage, "monitor-status-change");
      await monitorPage.getByRole("link", { name: "Reload to see the changes" }).click();
      await monitorPage.waitForLoadState();
      await monitorPage.locator("[data-monitor-status=down]").waitFor();
      assert.equal(await monitorPage.locator("[data-status-change]").isVisible(), false);
      await signedIn.close();
      // The counts follow the rows: the toggled monitor now counts as down.
      await eventually(
        async () => await summary.textContent() === "3 monitors · 2 down · 0 paused",
        2_000,
        "the counts to follow the row",
      );
      assert.equal(
        await page.getByLabel("Status", { exact: true }).locator("option[value=down]")
          .textContent(),
        "Down (2)",
      );
      assert.match(
        await row("Toggle site").locator("[data-status=down]").first().textContent() ?? "",
        /Down/,
        "down is said in words, not colour alone",
      );
      const strip = row("Toggle site").getByRole("img", {
        name: /^Last \d+ checks: \d+ up, [1-9]\d* down$/,
      });
      assert.match(
        await strip.locator("[title]").last().getAttribute("title") ?? "",
        /^\d+ \w+ \d{4}, \d\d:\d\d · local · Down · \S/,
        "the strip counts the down check, and its cell's tooltip gives time, region, status, why",
      );

      // Search and filter without a reload cover every monitor.
      await page.getByLabel("Search monitors").fill("toggle");
      await eventually(
        async () => await page.locator("tr[data-monitor]").count() === 1,
        5_000,
        "search",
      );
      await page.getByLabel("Search monitors").fill("");
      await page.getByLabel("Status", { exact: true }).selectOption("down");
      await eventually(
        async () => await page.locator("tr[data-monitor]").count() === 2,
        5_000,
        "filter",
      );
      assert.equal(await page.evaluate(() => (globalThis as { stayed?: boolean }).stayed), true);

      await page.getByRole("button", { name: "Log out" }).click();
      await page.waitForURL(`${server.url}/login`);
      await screenshots(page, "login");
      await page.goto(`${server.url}/app/monitors/new`);
      assert.equal(new URL(page.url()).pathname, "/login");
      assert.equal(new URL(page.url()).searchParams.get("next"), "/app/monitors/new");

      assert.deepEqual(problems.filter((p) => !p.includes("favicon")), []);
    } finally {
      await closeBrowser(browser);
      await Promise.all([publisher.stop(), worker.stop()]);
      await server.close();
      await Promise.all([up.close(), down.close(), toggle.close()]);
    }
  },
});
