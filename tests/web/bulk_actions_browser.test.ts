/**
 * Acting on several monitors at once from the list, in real Chromium and without
 * JavaScript: tick some (or the whole page), choose Pause, Resume or Delete, confirm on a
 * page that names each, and the list says how many changed. Someone else's monitor in the
 * request is left alone; names are shown as text.
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

const HOSTILE = `<img src=x onerror=alert(1)> Billing`;

Deno.test({
  name: "ticked monitors are paused, resumed and deleted together, after a confirmation",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await apiServer({ REGIONS: "ams" });
    const browser = await launchChromium();
    try {
      const owner = await server.user("bulk");
      const create = (name: string) =>
        owner.api.website.create.mutate({ url: `https://${name.length}.example.com/`, name });
      const api = await create("API");
      await create("Shop");
      const billing = await create(HOSTILE);
      const active = async () =>
        Object.fromEntries(
          (await owner.api.website.list.query()).map((site) => [site.name, site.active]),
        );

      const context = await signedInContext(browser, server.url, owner.jar);
      const page = await context.newPage();
      const problems = watchProblems(page);
      await page.goto(`${server.url}/app`);
      const pause = page.getByRole("button", { name: "Pause selected" });
      await page.getByText("0 of 3 on this page ticked").waitFor(); // hydrated
      assert.equal(await pause.isDisabled(), true, "nothing ticked yet");
      await page.getByRole("checkbox", { name: "Tick Shop" }).check();
      await page.getByRole("checkbox", { name: `Tick ${HOSTILE}` }).check();
      await page.getByText("2 of 3 on this page ticked").waitFor();
      await screenshots(page, "monitors-ticked");
      await Promise.all([page.waitForURL(/\/app\/monitors\/bulk\?/), pause.click()]);
      await page.getByRole("heading", { name: "Pause 2 monitors?" }).waitFor();
      assert.deepEqual(await page.locator("main li").allTextContents(), [HOSTILE, "Shop"]);
      await screenshots(page, "monitors-bulk-pause");
      await Promise.all([
        page.waitForURL(/\/app\?notice=pause-selected&count=2$/),
        page.getByRole("button", { name: "Pause 2 monitors" }).click(),
      ]);
      await page.getByText("Paused 2 monitors.").waitFor();
      assert.deepEqual(await active(), { API: true, Shop: false, [HOSTILE]: false });

      // The whole page, resumed: the two paused start again, the running one stays.
      await page.getByRole("checkbox", { name: "Tick every monitor on this page" }).check();
      await page.getByText("3 of 3 on this page ticked").waitFor();
      await Promise.all([
        page.waitForURL(/\/app\/monitors\/bulk\?/),
        page.getByRole("button", { name: "Resume selected" }).click(),
      ]);
      await Promise.all([
        page.waitForURL(/notice=resume-selected&count=3$/),
        page.getByRole("button", { name: "Resume 3 monitors" }).click(),
      ]);
      assert.deepEqual(await active(), { API: true, Shop: true, [HOSTILE]: true });

      // Delete asks as sternly as for one; Cancel changes nothing.
      await page.getByRole("checkbox", { name: "Tick API" }).check();
      await Promise.all([
        page.waitForURL(/\/app\/monitors\/bulk\?/),
        page.getByRole("button", { name: "Delete selected" }).click(),
      ]);
      await page.getByText("This cannot be undone.").waitFor();
      await screenshots(page, "monitors-bulk-delete");
      await Promise.all([
        page.waitForURL(`${server.url}/app`),
        page.getByRole("link", { name: "Cancel" }).click(),
      ]);
      assert.equal((await owner.api.website.list.query()).length, 3);
      await page.getByRole("checkbox", { name: "Tick API" }).check();
      await page.getByRole("checkbox", { name: "Tick Shop" }).check();
      await Promise.all([
        page.waitForURL(/\/app\/monitors\/bulk\?/),
        page.getByRole("button", { name: "Delete selected" }).click(),
      ]);
      await Promise.all([
        page.waitForURL(/notice=delete-selected&count=2$/),
        page.getByRole("button", { name: "Delete 2 monitors" }).click(),
      ]);
      await page.getByText("Deleted 2 monitors.").waitFor();
      assert.deepEqual(await active(), { [HOSTILE]: true });
      assert.deepEqual(problems, []);

      // Without JavaScript: the same forms. Another account's monitor in the request is
      // neither named nor paused; nothing ticked, or a forged action, goes back to the list.
      const other = await server.user("other");
      const theirs = await other.api.website.create.mutate({
        url: "https://theirs.example.com/",
        name: "Theirs",
      });
      const ask = await owner.fetch(
        `${server.url}/app/monitors/bulk?action=pause&id=${billing.id}&id=${theirs.id}`,
      );
      const asked = await ask.text();
      assert.equal(ask.status, 200);
      assert.match(asked, /Pause 1 monitor\?/);
      assert.ok(asked.includes("&lt;img src=x onerror=alert(1)"), "escaped");
      assert.ok(!asked.includes("<img src=x"));
      assert.ok(!asked.includes("Theirs"));
      const post = (body: string) =>
        owner.fetch(`${server.url}/app/monitors/bulk`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body,
          redirect: "manual",
        });
      const done = await post(`action=pause&id=${billing.id}&id=${theirs.id}&id=${api.id}`);
      assert.equal(done.headers.get("location"), "/app?notice=pause-selected&count=1");
      assert.equal((await other.api.website.get.query({ id: theirs.id })).active, true);
      assert.equal((await owner.api.website.get.query({ id: billing.id })).active, false);
      for (const body of ["action=pause", `action=explode&id=${billing.id}`]) {
        const refused = await post(body);
        assert.equal(refused.status, 303);
        assert.equal(refused.headers.get("location"), "/app?notice=none-selected");
      }
      const list = await (await owner.fetch(`${server.url}/app?notice=none-selected`)).text();
      assert.match(list, /Tick the monitors to act on first/);
    } finally {
      await closeBrowser(browser);
      await server.close();
    }
  },
});
