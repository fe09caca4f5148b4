/**
 * A status page in its owner's colours: a description under the title, a link to their
 * website and a logo, set in the editor (the logo uploaded from a file, JavaScript off)
 * and shown on the public page and its custom domain. Screenshots go to .data/screenshots/.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { apiServer, errorCode } from "../helpers/api.ts";
import { closeBrowser, launchChromium, screenshots, signedInContext } from "../helpers/browser.ts";
import { getWithHost } from "../helpers/host_request.ts";

const LOGO = new URL("./fixtures/acme-logo.png", import.meta.url).pathname;
const DESCRIPTION = "Live status of Acme's API and shop.\nAsk <b>support@acme.test</b> for help.";

Deno.test({
  name:
    "the owner gives a page a description, a website link and a logo; visitors see them, and nothing else gets in",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await apiServer();
    const browser = await launchChromium();
    try {
      const ada = await server.user("ada");
      const shop = await ada.api.website.create.mutate({ url: "https://shop.acme.test/" });
      const created = await ada.api.statusPage.create.mutate({
        slug: "acme",
        title: "Acme",
        websiteIds: [shop.id],
      });
      assert.equal(created.description, "");
      assert.equal(created.homepageUrl, null);

      // In the editor, without JavaScript: a bad address is named at its field, and what was
      // typed stays.
      const owner = await signedInContext(browser, server.url, ada.jar, {
        javaScriptEnabled: false,
      });
      const editor = await owner.newPage();
      await editor.goto(`${server.url}/app/status-pages/${created.id}`);
      await editor.getByLabel("Description").fill(DESCRIPTION);
      // The browser's own check would stop most; the post is changed on its way.
      await editor.getByLabel("Your website (optional)").fill("https://acme.test");
      await editor.route("**/app/status-pages/*", (route) => {
        const body = route.request().postData() ?? "";
        return route.continue({
          postData: body.replace(/homepageUrl=[^&]*/, "homepageUrl=javascript%3Aalert(1)"),
        });
      });
      await editor.getByRole("button", { name: "Save details" }).click();
      await editor.getByText("Must start with https:// or http://").waitFor();
      assert.equal(await editor.getByLabel("Description").inputValue(), DESCRIPTION);
      await editor.unroute("**/app/status-pages/*");
      await editor.getByLabel("Your website (optional)").fill("https://acme.test");
      await editor.getByRole("button", { name: "Save details" }).click();
      await editor.getByText("Details saved.").waitFor();
      // The form sends its line break as CRLF; it is kept as one "\n".
      const saved = (await ada.api.statusPage.list.query()).find((p) => p.id === created.id)!;
      assert.equal(saved.description, DESCRIPTION);

      // An SVG is refused whatever it is called; the PNG is taken.
      await editor.getByLabel("Logo image").setInputFiles({
        name: "logo.png",
        mimeType: "image/png",
        buffer: Buffer.from(
          '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        ),
      });
      await editor.getByRole("button", { name: "Upload logo" }).click();
      await editor.getByText("A PNG, JPEG, GIF or WebP image only").waitFor();
      // Too large is said at the field, a little too large and far too large alike.
      for (const size of [300_000, 1_500_000]) {
        await editor.getByLabel("Logo image").setInputFiles({
          name: "big.png",
          mimeType: "image/png",
          buffer: Buffer.alloc(size),
        });
        await editor.getByRole("button", { name: "Upload logo" }).click();
        await editor.getByText("At most 256 KB; save it smaller and try again").waitFor();
      }
      await editor.getByLabel("Logo image").setInputFiles(LOGO);
      await editor.getByRole("button", { name: "Upload logo" }).click();
      await editor.getByText("Logo saved: the public page shows it.").waitFor();
      await editor.getByRole("button", { name: "Replace logo" }).waitFor();
      await editor.locator("#details").scrollIntoViewIfNeeded();
      await screenshots(editor, "status-page-editor-branding");

      // The public page: logo, link, description as text.
      const visitor = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await visitor.newPage();
      const dialogs: string[] = [];
      page.on("dialog", (d) => dialogs.push(d.message()));
      await page.goto(`${server.url}/status/acme`);
      const logo = page.getByRole("img", { name: "Acme logo" });
      assert.equal(await logo.evaluate((img: HTMLImageElement) => img.naturalWidth), 160);
      assert.equal(
        await page.getByRole("link", { name: "Visit acme.test" }).getAttribute("href"),
        "https://acme.test/",
      );
      assert.equal(
        await page.locator("header p").last().innerText(),
        "Live status of Acme's API and shop.\nAsk <b>support@acme.test</b> for help.",
      );
      await screenshots(page, "status-page-branding");
      assert.deepEqual(dialogs, []);

      // The logo's own address: the image, typed by its bytes, kept for good when versioned.
      const src = (await logo.getAttribute("src"))!;
      const image = await fetch(`${server.url}${src}`);
      assert.equal(image.status, 200);
      assert.equal(image.headers.get("content-type"), "image/png");
      assert.equal(image.headers.get("x-content-type-options"), "nosniff");
      assert.match(image.headers.get("cache-control")!, /immutable/);
      assert.deepEqual(new Uint8Array(await image.arrayBuffer()), await Deno.readFile(LOGO));
      // Under a version it is not, the image is only checked again, never kept for good.
      const stale = await fetch(`${server.url}/status/acme/logo?v=0123`);
      assert.equal(stale.headers.get("cache-control"), "public, max-age=0, must-revalidate");
      await stale.body?.cancel();
      const again = await fetch(`${server.url}/status/acme/logo`, {
        headers: { "if-none-match": image.headers.get("etag")! },
      });
      assert.equal(again.status, 304);
      await again.body?.cancel();

      // On the page's own domain the logo is there too.
      await server.bed.pg.sql`
        insert into status_domains (status_page_id, hostname, verified_at)
        values (${created.id}, 'status.acme.test', now())`;
      const onDomain = await getWithHost(server.url, "status.acme.test", "/");
      assert.match(onDomain.body, /src="\/logo\?v=[0-9a-f]+"/);
      const domainLogo = await getWithHost(server.url, "status.acme.test", "/logo");
      assert.equal(domainLogo.status, 200);

      // The API takes the same fields, with the same rules; another account changes nothing.
      assert.equal(
        await errorCode(
          ada.api.statusPage.update.mutate({ id: created.id, homepageUrl: "ftp://acme.test" }),
        ),
        "BAD_REQUEST",
      );
      const eve = await server.user("eve");
      assert.equal(
        await errorCode(eve.api.statusPage.update.mutate({ id: created.id, description: "x" })),
        "NOT_FOUND",
      );
      const intruder = await eve.fetch(`${server.url}/app/status-pages/${created.id}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "intent=remove-logo",
      });
      assert.equal(intruder.status, 404);
      await intruder.body?.cancel();

      // Removed: the page shows its title alone, and the logo's address is a 404.
      await editor.getByRole("button", { name: "Remove logo" }).click();
      await editor.getByText("Logo removed.").waitFor();
      await page.reload();
      assert.equal(await page.getByRole("img", { name: "Acme logo" }).count(), 0);
      const gone = await fetch(`${server.url}/status/acme/logo`);
      assert.equal(gone.status, 404);
      await gone.body?.cancel();
      await visitor.close();
      await owner.close();
    } finally {
      await closeBrowser(browser);
      await server.close();
    }
  },
});
