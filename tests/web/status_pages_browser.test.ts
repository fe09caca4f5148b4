/**
 * Status pages and the account page in real Chromium: create a page with two monitors,
 * reorder them, add a custom domain and read (and copy) its DNS records; change the
 * password and see the other browser's session end. Hostile names show as text and no
 * dialog opens. Screenshots of every page at 1280 and 390 px, light and dark, go to
 * .data/screenshots/ for a person to look at; no page is wider than a 360 px phone.
 */
import assert from "node:assert/strict";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { apiServer } from "../helpers/api.ts";
import { closeBrowser, launchChromium } from "../helpers/browser.ts";

const SCREENSHOTS = new URL("../../.data/screenshots/", import.meta.url);
const PASSWORD = "correct horse 1";
const SCRIPT_TITLE = "<script>alert(1)</script>";
const IMG_NAME = "<img src=x onerror=alert(1)>";
/** Password hashing (scrypt at 128 MiB) takes seconds on a busy machine. */
const SLOW_MS = 90_000;

/** Every page at both widths and in both schemes; fails if a phone must scroll sideways. */
async function screenshots(page: Page, name: string) {
  await Deno.mkdir(SCREENSHOTS, { recursive: true });
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 1280 ? 900 : 844 });
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      // Buttons fade between schemes (transition-colors); shoot the settled colours.
      await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
      await page.screenshot({
        path: new URL(`${name}-${width}-${scheme}.png`, SCREENSHOTS).pathname,
        fullPage: true,
      });
    }
  }
  await page.setViewportSize({ width: 360, height: 740 });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 360, `${name} is ${wide} px wide on a 360 px phone`);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: "light" });
}

function watch(page: Page, problems: string[]) {
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("dialog", (d) => {
    problems.push(`a dialog opened: ${d.message()}`);
    void d.dismiss();
  });
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    // A form refused with its errors re-rendered is a 4xx document; Chromium logs it.
    const refusedForm = /status of 4(00|09)\b/.test(m.text()) &&
      new URL(m.location().url).pathname.startsWith("/app/");
    if (!refusedForm) problems.push(`${m.text()} ${m.location().url}`);
  });
}

async function signedInContext(
  browser: Browser,
  base: string,
  jar: Map<string, string>,
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(SLOW_MS);
  await context.addCookies([...jar].map(([name, value]) => ({ name, value, url: base })));
  return context;
}

Deno.test({
  name: "status pages and the account page work in Chromium",
  // playwright keeps timers and a child process alive between its own calls.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await apiServer();
    const browser = await launchChromium();
    try {
      const owner = server.client();
      const email = `browser-${crypto.randomUUID().slice(0, 8)}@example.com`;
      await owner.api.user.signup.mutate({ email, password: PASSWORD, name: "Ada Lovelace" });
      const problems: string[] = [];
      const context = await signedInContext(browser, server.url, owner.jar);
      await context.grantPermissions(["clipboard-read", "clipboard-write"], {
        origin: server.url,
      });
      const page = await context.newPage();
      watch(page, problems);

      // The empty list, before there is anything to show.
      await page.goto(`${server.url}/app/status-pages`);
      await page.getByRole("heading", { name: "No status pages yet" }).waitFor();
      await screenshots(page, "status-pages-empty");

      // Two monitors, made through the API.
      await owner.api.website.create.mutate({ url: "https://api.example.com/", name: "API" });
      await owner.api.website.create.mutate({ url: "https://shop.example.com/", name: IMG_NAME });
      // A name with no place to break must not push the forms wider than a phone.
      await owner.api.website.create.mutate({
        url: "https://long.example.com/",
        name: "W".repeat(100),
      });
      // The monitors table fits a phone with that name too: it wraps anywhere.
      await page.goto(`${server.url}/app`);
      await page.setViewportSize({ width: 390, height: 844 });
      const wider = await page.locator("table#monitors").evaluate((el) =>
        el.scrollWidth - el.parentElement!.clientWidth
      );
      assert.ok(wider <= 0, `the monitors table is ${wider} px wider than its card`);
      await page.setViewportSize({ width: 1280, height: 900 });

      // Create: a form error first (reserved slug), at its field.
      await page.goto(`${server.url}/app/status-pages`);
      await page.getByLabel("Title").fill(SCRIPT_TITLE);
      await page.getByLabel("Slug (address)").fill("app");
      await page.getByLabel("API").check();
      await page.getByLabel(IMG_NAME).check();
      await page.getByRole("button", { name: "Create status page" }).click();
      await page.locator("#slug-error").waitFor();
      assert.match(await page.locator("#slug-error").textContent() ?? "", /reserved/);
      assert.equal(await page.getByLabel("Slug (address)").getAttribute("aria-invalid"), "true");
      // The field itself is marked too, not only the text under it: its border turns red.
      const borderOf = (label: string) =>
        page.getByLabel(label).evaluate((el) => getComputedStyle(el).borderTopColor);
      assert.equal(await borderOf("Slug (address)"), "rgb(225, 29, 72)", "rose-600");
      assert.equal(await borderOf("Title"), "rgb(203, 213, 225)", "slate-300");
      assert.ok(await page.getByLabel("API").isChecked(), "the choices stay");
      await screenshots(page, "status-pages-create-error");

      const slug = `acme-${crypto.randomUUID().slice(0, 8)}`;
      await page.getByLabel("Slug (address)").fill(slug);
      await page.getByRole("button", { name: "Create status page" }).click();
      await page.waitForURL(/\/app\/status-pages\/[0-9a-f-]{36}\?done=created/);
      const editorUrl = page.url().split("?")[0];
      assert.equal(await page.locator("h1").textContent(), SCRIPT_TITLE, "the title is text");
      assert.equal(
        await page.getAttribute('a:has-text("View public page")', "href"),
        `/status/${slug}`,
      );
      const order = () =>
        page.locator("ol [data-monitor] label:not(:has(input[name=showUrls])) .font-medium")
          .allTextContents();
      assert.deepEqual((await order()).slice(0, 2), ["API", IMG_NAME]);

      // The page comes back scrolled to the section saved: its notice is there, in sight.
      const inSight = (text: string) =>
        page.getByRole("status").filter({ hasText: text }).evaluate((el) => {
          const box = el.getBoundingClientRect();
          return box.top >= 0 && box.bottom <= innerHeight;
        });
      // Reorder without a script of ours: the move button is a form submit.
      await page.getByRole("button", { name: "Move down API" }).click();
      await page.waitForURL(/done=moved/);
      assert.deepEqual((await order()).slice(0, 2), [IMG_NAME, "API"]);
      assert.ok(await inSight("Order saved: now 2 of"));
      // The page comes back at the row moved: its buttons are in sight for the next move.
      const moveAgain = page.getByRole("button", { name: "Move up API" });
      assert.ok(
        await moveAgain.evaluate((el) => {
          const box = el.getBoundingClientRect();
          return box.top >= 0 && box.bottom <= innerHeight;
        }),
      );
      // A keyboard user goes on from there: at the bottom now, API's Up button has focus.
      assert.ok(await moveAgain.evaluate((el) => el === document.activeElement));
      await page.getByLabel("Show URL of API").check();
      await page.getByRole("button", { name: "Save monitors" }).click();
      await page.waitForURL(/done=monitors/);
      assert.ok(await inSight("Monitors saved."));
      assert.ok(await page.getByLabel("Show URL of API").isChecked());

      // A custom domain and the records to create for it.
      const hostname = `status.${crypto.randomUUID().slice(0, 8)}.example.com`;
      await page.getByLabel("Hostname").fill("not a hostname");
      await page.getByRole("button", { name: "Add domain" }).click();
      await page.locator("#hostname-error").waitFor();
      await page.getByLabel("Hostname").fill(hostname);
      await page.getByRole("button", { name: "Add domain" }).click();
      await page.waitForURL(/done=domain-added/);
      const domain = page.locator(`li[data-hostname="${hostname}"]`);
      await domain.getByRole("heading", { name: "DNS records to create" }).waitFor();
      const record = domain.locator('[data-record-type="CNAME"]').first();
      assert.deepEqual(await record.locator("code").allTextContents(), [hostname, "localhost"]);
      // The copy button appears once the island runs, and copies the value.
      await record.getByRole("button", { name: "Copy CNAME record value" }).click();
      await record.getByText("Copied").waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), "localhost");
      await domain.getByRole("button", { name: `Verify domain ${hostname}` }).click();
      // Its DNS has no records: the page says which are missing, at the domain.
      await domain.getByText("Not verified yet:").waitFor();
      await domain.getByText(`no TXT record _uptime.${hostname} yet`).waitFor();
      await domain.getByText("Last checked").waitFor();
      await screenshots(page, "status-page-editor");

      // Remove asks first.
      await domain.getByRole("link", { name: `Remove domain ${hostname}` }).click();
      await page.getByRole("button", { name: "Yes, remove domain" }).waitFor();
      await screenshots(page, "status-page-remove-domain");
      await page.getByRole("link", { name: "Cancel" }).first().click();
      await domain.getByRole("button", { name: `Verify domain ${hostname}` }).waitFor();

      await page.goto(`${server.url}/app/status-pages`);
      const row = page.locator("li", { has: page.locator(`a[href="/status/${slug}"]`) });
      assert.match(await row.textContent() ?? "", /2 monitors/);
      assert.equal(
        await row.locator(`a[href="${new URL(editorUrl).pathname}"]`).textContent(),
        SCRIPT_TITLE,
      );
      await screenshots(page, "status-pages-list");

      // The account: another browser is signed in to the same account (its own session).
      const other = server.client();
      await other.api.user.login.mutate({ email, password: PASSWORD });
      const laptopContext = await signedInContext(browser, server.url, other.jar);
      const laptop = await laptopContext.newPage();
      watch(laptop, problems);
      await laptop.goto(`${server.url}/app/account`);
      assert.equal(await laptop.getByLabel("Email").inputValue(), email);

      await page.goto(`${server.url}/app/account`);
      assert.equal(await page.getByLabel("Name").inputValue(), "Ada Lovelace");
      await page.getByLabel("Name").fill("Ada King");
      await page.getByRole("button", { name: "Save profile" }).click();
      await page.getByText("Profile saved.").waitFor();
      assert.equal(await page.getByLabel("Name").inputValue(), "Ada King");
      await screenshots(page, "account");
      // On a phone the page comes back at the password form, its error in sight.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByLabel("Current password").fill("not my password");
      await page.getByLabel("New password", { exact: true }).fill("a new battery staple");
      await page.getByLabel("New password, again").fill("a new battery staple");
      await page.getByRole("button", { name: "Change password" }).click();
      await page.locator("#currentPassword-error").waitFor();
      assert.ok(
        await page.locator("#currentPassword-error").evaluate((el) => {
          const box = el.getBoundingClientRect();
          return box.top >= 0 && box.bottom <= innerHeight;
        }),
        "the error is in sight",
      );
      await page.setViewportSize({ width: 1280, height: 900 });
      assert.match(
        await page.locator("#currentPassword-error").textContent() ?? "",
        /not your current password/,
      );
      await screenshots(page, "account-wrong-password");
      await page.getByLabel("Current password").fill(PASSWORD);
      await page.getByLabel("New password", { exact: true }).fill("a new battery staple");
      await page.getByLabel("New password, again").fill("a new battery staple");
      await page.getByRole("button", { name: "Change password" }).click();
      await page.getByText("Password changed. 1 other session was signed out.").waitFor();

      // The other browser's session is over; this one goes on.
      await laptop.reload();
      await laptop.waitForURL(/\/login\?next=%2Fapp%2Faccount/);
      await page.goto(`${server.url}/app/account`);
      assert.equal(await page.getByLabel("Email").inputValue(), email);

      // Sign out everywhere, after the confirmation step.
      await page.getByRole("link", { name: "Sign out everywhere" }).click();
      await page.getByRole("button", { name: "Yes, sign out everywhere" }).waitFor();
      await screenshots(page, "account-sign-out-everywhere");
      await page.getByRole("button", { name: "Yes, sign out everywhere" }).click();
      await page.waitForURL(/\/login$/);
      await page.goto(`${server.url}/app`);
      await page.waitForURL(/\/login\?next=/);

      assert.deepEqual(problems, []);
      await laptopContext.close();
      await context.close();
    } finally {
      await closeBrowser(browser);
      await server.close();
    }
  },
});
