/**
 * Monitor tags: set through the API and the form, shown as links on the monitors table and
 * the monitor's page, and a filter of the table with and without JavaScript.
 */
import assert from "node:assert/strict";
import { apiServer, errorMessage } from "../helpers/api.ts";
import { form } from "../helpers/forms.ts";
import {
  closeBrowser,
  launchChromium,
  screenshots,
  signedInContext,
  watchProblems,
} from "../helpers/browser.ts";
import { eventually } from "../helpers/pipeline.ts";

const XSS = "<img src=x onerror=alert(1)>";

Deno.test("tags are set through the API and the form, and filter the monitors table", async () => {
  const server = await apiServer({ REGIONS: "local" });
  try {
    const { api, fetch: browser } = await server.user();
    const shop = await api.website.create.mutate({
      url: "https://shop.example.com/",
      name: "Shop",
      tags: [" Production ", "eu", "production"],
    });
    assert.deepEqual(shop.tags, ["Production", "eu"], "trimmed, the same tag in any case once");
    const blog = await api.website.create.mutate({
      url: "https://blog.example.com/",
      tags: ["eu"],
    });
    await api.website.create.mutate({ url: "https://docs.example.com/" });

    for (
      const [tags, message] of [
        [Array.from({ length: 11 }, (_, i) => `t${i}`), "tags: at most 10 tags"],
        // Far too many is refused before any of them is looked at.
        [Array.from({ length: 20_000 }, (_, i) => `t${i}`), "tags: at most 10 tags"],
        [["ok", "a,b"], 'tags: "a,b" has a comma or a control character'],
        [["x".repeat(33)], `tags: "${"x".repeat(20)}…" is longer than 32 characters`],
        [[" "], "tags: a tag may not be empty"],
      ] as const
    ) {
      assert.equal(
        await errorMessage(api.website.update.mutate({ id: blog.id, tags: [...tags] })),
        `BAD_REQUEST: ${message}`,
      );
    }
    // An update without tags keeps them; with a list, replaces them.
    assert.deepEqual((await api.website.update.mutate({ id: blog.id, name: "Blog" })).tags, ["eu"]);

    const overview = (input: Record<string, string>) => api.website.overview.query(input);
    const names = async (input: Record<string, string>) =>
      (await overview(input)).rows.map((row) => row.name).sort();
    assert.deepEqual((await overview({})).tags, ["eu", "Production"]);
    assert.deepEqual(await names({ tag: "EU" }), ["Blog", "Shop"]);
    assert.deepEqual(await names({ tag: "production" }), ["Shop"]);
    assert.deepEqual(await names({ q: "prod" }), ["Shop"], "the search finds tags too");
    assert.deepEqual(await names({ tag: "staging" }), []);

    // The form: comma-separated, shown back as such; the table filters by a chip's link.
    const added = await browser(
      `${server.url}/app/monitors/new`,
      form({
        type: "http",
        url: "https://status.example.com/",
        name: "Status",
        tags: `internal, ${XSS}`,
        method: "GET",
        interval: "60",
        timeout: "10",
        regions: "local",
      }),
    );
    await added.body?.cancel();
    assert.equal(added.status, 303);
    const [status] = await server.services.sql`select id, tags from websites where name = 'Status'`;
    assert.deepEqual(status.tags, ["internal", XSS]);
    const edit = await (await browser(`${server.url}/app/monitors/${status.id}/edit`)).text();
    assert.match(edit, /name="tags"[^>]*value="internal, &lt;img src=x onerror=alert\(1\)>"/);
    const detail = await (await browser(`${server.url}/app/monitors/${status.id}`)).text();
    assert.match(detail, /<a href="\/app\?tag=internal"[^>]*>internal<\/a>/);
    assert.ok(!detail.includes("<img src=x"), "the tag is text");
    const filtered = await (await browser(`${server.url}/app?tag=internal`)).text();
    assert.match(filtered, /<option\s+value="internal"\s+selected>internal<\/option>/);
    assert.equal([...filtered.matchAll(/<tr[^>]*data-monitor=/g)].length, 1);

    // Cleared in the form, the tags are gone.
    const cleared = await browser(
      `${server.url}/app/monitors/${status.id}/edit`,
      form({
        type: "http",
        url: "https://status.example.com/",
        name: "Status",
        tags: " , ",
        method: "GET",
        interval: "60",
        timeout: "10",
        regions: "local",
      }),
    );
    await cleared.body?.cancel();
    assert.equal(cleared.status, 303);
    const [after] = await server.services.sql`select tags from websites where id = ${status.id}`;
    assert.deepEqual(after.tags, []);
  } finally {
    await server.close();
  }
});

Deno.test({
  name: "in Chromium: the tag filter and a tag's link narrow the table without a reload",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await apiServer({ REGIONS: "local" });
    const browser = await launchChromium();
    try {
      const { api, jar } = await server.user();
      const shop = await api.website.create.mutate({
        url: "https://shop.example.com/",
        name: "Shop",
        tags: ["production", "eu", XSS],
      });
      await api.website.create.mutate({
        url: "https://blog.example.com/",
        name: "Blog",
        tags: ["eu"],
      });
      await api.website.create.mutate({ url: "https://docs.example.com/", name: "Docs" });
      const context = await signedInContext(browser, server.url, jar);
      const page = await context.newPage();
      const problems = watchProblems(page);
      await page.goto(`${server.url}/app`);
      const rows = page.locator("tr[data-monitor]");
      assert.equal(await rows.count(), 3);
      // The tag is text, and a link to the monitors with it.
      const chip = page.getByRole("link", { name: XSS, exact: true });
      assert.equal(await chip.getAttribute("href"), `/app?tag=${encodeURIComponent(XSS)}`);
      await screenshots(page, "monitors-tags");
      // On a phone the tags wrap in their cell: the table still fits its card.
      await page.setViewportSize({ width: 390, height: 800 });
      const overflow = await page.locator("table#monitors").evaluate((el) =>
        el.scrollWidth - el.parentElement!.clientWidth
      );
      assert.ok(overflow <= 0, `the table is ${overflow} px wider than its card on a phone`);
      await page.setViewportSize({ width: 1280, height: 800 });

      await page.evaluate(() => (globalThis as { stayed?: boolean }).stayed = true);
      await page.getByLabel("Tag", { exact: true }).selectOption("eu");
      await eventually(async () => await rows.count() === 2, 5_000, "the eu monitors");
      assert.equal(new URL(page.url()).searchParams.get("tag"), "eu");
      assert.equal(await page.evaluate(() => (globalThis as { stayed?: boolean }).stayed), true);

      await page.getByRole("link", { name: "production", exact: true }).click();
      await page.waitForURL(/\/app\?tag=production$/);
      await eventually(async () => await rows.count() === 1, 5_000, "the production monitor");
      assert.equal(await page.getByLabel("Tag", { exact: true }).inputValue(), "production");

      // The monitor's page lists them under its title, before its buttons on a phone too.
      await page.goto(`${server.url}/app/monitors/${shop.id}`);
      const list = page.getByRole("list", { name: "Tags of Shop" });
      assert.deepEqual(await list.getByRole("link").allTextContents(), ["production", "eu", XSS]);
      await screenshots(page, "monitor-tags");
      assert.deepEqual(problems, []);
      await context.close();
    } finally {
      await closeBrowser(browser);
      await server.close();
    }
  },
});
