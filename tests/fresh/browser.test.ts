/**
 * The islands page in a real browser (Debian's Chromium through playwright-core): two
 * islands share a signal, and a class added at run time gets its style.
 */
import assert from "node:assert/strict";
import { fixtureApp } from "./helpers.ts";
import { closeBrowser, launchChromium } from "../helpers/browser.ts";

Deno.test({
  name: "clicking one island updates the other through a shared signal, runtime classes styled",
  // playwright keeps timers and a child process alive between its own calls.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const { handler } = await fixtureApp();
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on("console", (m) => {
        // Chromium asks for /favicon.ico on its own; the fixture has none.
        if (m.type() === "error" && !m.location().url.endsWith("/favicon.ico")) {
          problems.push(`${m.text()} ${m.location().url}`);
        }
      });
      page.on("pageerror", (e) => problems.push(e.message));

      await page.goto(`http://127.0.0.1:${server.addr.port}/islands`);
      assert.equal(await page.textContent("#display-value"), "3");
      assert.equal(await page.textContent("#display-since"), "2024-05-06T07:08:09.000Z");

      // Clicks only take effect once the island is hydrated; retry until it is.
      await page.waitForFunction(() => {
        document.querySelector<HTMLButtonElement>("#increment")!.click();
        return document.querySelector("#runtime-class") !== null;
      });
      const value = await page.textContent("#counter-value");
      assert.ok(Number(value) >= 4, `counter shows ${value}`);
      assert.equal(await page.textContent("#display-value"), value);

      // text-[#123456] is not on the server-rendered page; twind in the browser adds it.
      await page.waitForFunction(() =>
        getComputedStyle(document.querySelector("#runtime-class")!).color === "rgb(18, 52, 86)"
      );
      const spacing = await page.$eval(
        "#runtime-class",
        (el) => getComputedStyle(el).letterSpacing,
      );
      assert.notEqual(spacing, "normal");

      // The slot kept its server-rendered children through hydration.
      assert.equal(await page.textContent("#server-child"), "rendered on the server");
      await page.screenshot({ path: "/tmp/fresh-islands.png" });
      assert.deepEqual(problems, []);
    } finally {
      await closeBrowser(browser);
      await server.shutdown();
    }
  },
});
