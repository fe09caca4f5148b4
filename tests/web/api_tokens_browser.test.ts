/**
 * API tokens in real Chromium: from the account page to a token shown once, used by a
 * script, listed with when it was last used, and revoked. Screenshots at 1280 and 390 px.
 */
import assert from "node:assert/strict";
import { apiServer } from "../helpers/api.ts";
import { closeBrowser, launchChromium, screenshots, watchProblems } from "../helpers/browser.ts";

const NAME = "<img src=x onerror=alert(1)> deploy";

Deno.test({
  name: "an API token is made, shown once, used and revoked in Chromium",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await apiServer();
    const browser = await launchChromium();
    try {
      const owner = await server.user("tokens");
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      context.setDefaultTimeout(90_000);
      await context.addCookies(
        [...owner.jar].map(([name, value]) => ({ name, value, url: server.url })),
      );
      const page = await context.newPage();
      const problems = watchProblems(page);
      const script = (token: string) =>
        fetch(`${server.url}/api/trpc/website.list`, {
          headers: { authorization: `Bearer ${token}` },
        });

      await page.goto(`${server.url}/app/account`);
      await page.getByRole("link", { name: "Manage API tokens" }).click();
      await page.getByRole("heading", { name: "No API tokens" }).waitFor();
      await screenshots(page, "api-tokens-empty");

      await page.getByRole("button", { name: "Create token" }).click();
      // Required: the browser itself asks for a name first; posted empty, the server does.
      assert.equal(await page.getByTestId("new-token").count(), 0);
      await page.getByLabel("Token name").fill(NAME);
      assert.equal(await page.getByLabel("Expires").inputValue(), "90", "90 days unless chosen");
      await page.getByLabel("Expires").selectOption({ label: "In 30 days" });
      assert.equal(await page.getByLabel("Access").inputValue(), "write", "it may change things");
      await page.getByRole("button", { name: "Create token" }).click();
      const token = (await page.getByTestId("new-token").textContent())!;
      assert.match(token, /^upt_/);
      await screenshots(page, "api-tokens-created");
      assert.equal((await script(token)).status, 200);

      // Shown once: a reload shows the list, not the token.
      await page.reload();
      assert.equal(await page.getByTestId("new-token").count(), 0);
      const row = page.getByRole("region", { name: "Your API tokens" }).locator("li");
      assert.match(await row.textContent() ?? "", new RegExp(`${token.slice(0, 8)}…`));
      assert.match(await row.textContent() ?? "", /last used/);
      assert.match(await row.textContent() ?? "", /expires /);
      await row.getByText(NAME, { exact: true }).waitFor();
      assert.match(await row.textContent() ?? "", /reads and changes/);

      // A read-only one, for a dashboard: it lists the monitors and is refused a change.
      await page.getByLabel("Token name").fill("Wallboard");
      await page.getByLabel("Access").selectOption({ label: "Read only" });
      await page.getByRole("button", { name: "Create token" }).click();
      const reader = (await page.getByTestId("new-token").textContent())!;
      assert.equal((await script(reader)).status, 200);
      const change = await fetch(`${server.url}/api/trpc/website.create`, {
        method: "POST",
        headers: { authorization: `Bearer ${reader}`, "content-type": "application/json" },
        body: JSON.stringify({ url: "https://example.com/" }),
      });
      assert.equal(change.status, 403);
      assert.match((await change.json()).error.message, /read-only/);
      await page.reload();
      const wallboard = page.getByRole("region", { name: "Your API tokens" }).locator("li", {
        hasText: "Wallboard",
      });
      assert.match(await wallboard.textContent() ?? "", /read only/);
      await screenshots(page, "api-tokens-list");

      await page.getByRole("button", { name: `Revoke token ${NAME}` }).click();
      await page.getByText("The token was revoked.").waitFor();
      assert.equal((await script(token)).status, 401);
      assert.deepEqual(problems, []);
      await context.close();
    } finally {
      await closeBrowser(browser);
      await server.close();
    }
  },
});
