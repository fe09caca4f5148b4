/**
 * Telling customers about an incident, in real Chromium: the incident page says where
 * updates show, refuses an empty one at its field, posts one without JavaScript, and the
 * status page shows it under the incident, escaped; Delete takes it off again.
 * Screenshots at 1280 and 390 px go to .data/screenshots/.
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
import { checkRow } from "../helpers/incidents.ts";
import { evaluateStoredResults } from "../../services/incidents/evaluation/evaluate.ts";

const HOSTILE = "<img src=x onerror=alert(1)> Checkout fails for some card payments.";

Deno.test({
  name: "an incident's updates are posted from its page and shown on the status page",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await apiServer();
    const browser = await launchChromium();
    try {
      const owner = await server.user("incident-updates");
      const website = await owner.api.website.create.mutate({
        url: "https://shop.example.com/",
        name: "Shop",
        confirmations: 1,
      });
      const statusPage = await owner.api.statusPage.create.mutate({
        slug: `shop-${crypto.randomUUID().slice(0, 8)}`,
        title: "Acme",
        websiteIds: [website.id],
      });
      await evaluateStoredResults(server.services.sql, [
        checkRow(website.id, website.regions[0], Math.floor(Date.now() / 1000) - 120, false),
      ]);
      const [incident] = (await owner.api.incident.list.query()).incidents;

      // Without JavaScript: the form is a plain POST.
      const plain = await signedInContext(browser, server.url, owner.jar, {
        javaScriptEnabled: false,
      });
      const form = await plain.newPage();
      await form.goto(`${server.url}/app/incidents/${incident.id}`);
      const section = form.getByRole("region", { name: "Updates for customers" });
      await section.getByText("Shown under this incident on Acme").waitFor();
      assert.equal(await section.getByLabel("Status").inputValue(), "investigating");
      await section.getByText("No updates yet.").waitFor();
      await section.getByRole("button", { name: "Post update" }).click();
      await form.locator("#update-message-error").getByText("Required").waitFor();
      await screenshots(form, "incident-update-error");
      await form.getByLabel("Status").selectOption("identified");
      await form.getByLabel("Message").fill(HOSTILE);
      await form.getByRole("button", { name: "Post update" }).click();
      await form.getByText("Update posted.").waitFor();
      const posted = form.getByRole("list", { name: "Updates posted, newest first" });
      await posted.getByText(HOSTILE).waitFor();
      await posted.getByText("Identified").waitFor();
      assert.equal(await form.getByLabel("Status").inputValue(), "update", "next: an update");
      await plain.close();

      const context = await signedInContext(browser, server.url, owner.jar);
      const page = await context.newPage();
      const problems = watchProblems(page);
      await owner.api.incident.postUpdate.mutate({
        incidentId: incident.id,
        status: "monitoring",
        message: "A fix is out; we are watching the payments go through.\nNext update at 11:00.",
      });
      await page.goto(`${server.url}/app/incidents/${incident.id}#updates`);
      await screenshots(page, "incident-updates");

      await page.goto(`${server.url}/status/${statusPage.slug}`);
      const updates = page.getByRole("list", { name: "Updates, newest first" });
      await updates.getByText(HOSTILE).waitFor();
      assert.deepEqual(
        await updates.locator("[data-update] span.font-semibold").allTextContents(),
        ["Monitoring", "Identified"],
      );
      assert.equal(await page.locator("img[src=x]").count(), 0, "shown as text");
      await screenshots(page, "status-page-incident-updates");

      await page.goto(`${server.url}/app/incidents/${incident.id}`);
      await page.getByRole("button", {
        name: `Delete update (Identified: ${HOSTILE.slice(0, 40)}…)`,
      })
        .click();
      await page.getByText("Update deleted.").waitFor();
      await page.goto(`${server.url}/status/${statusPage.slug}`);
      await updates.getByText("A fix is out").waitFor();
      assert.equal(await page.getByText(HOSTILE).count(), 0);
      assert.deepEqual(problems, []);
    } finally {
      await closeBrowser(browser);
      await server.close();
    }
  },
});
