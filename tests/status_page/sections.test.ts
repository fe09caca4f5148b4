/**
 * Sections of a status page: headings over runs of its monitors, set in the API and in the
 * editor (real Chromium, and a plain form post), shown on the public page as text.
 */
import assert from "node:assert/strict";
import { apiServer, errorMessage } from "../helpers/api.ts";
import {
  closeBrowser,
  launchChromium,
  screenshots,
  signedInContext,
  watchProblems,
} from "../helpers/browser.ts";

const XSS = `<img src=x onerror=alert(1)>`;

Deno.test("a page's sections head its monitors, kept when the order changes; bad sections are refused", async () => {
  // Mail can be sent: the page's subscription form lists the monitors by section too.
  const server = await apiServer({
    SMTP_URL: "smtp://127.0.0.1:2525",
    MAIL_FROM: "status@example.com",
  });
  try {
    const { api } = await server.user("ada");
    const [login, search, blog] = await Promise.all(
      ["Login", "Search", "Blog"].map((name, i) =>
        api.website.create.mutate({ url: `https://s${i}.example.com/`, name })
      ),
    );
    const page = await api.statusPage.create.mutate({
      slug: "acme",
      title: "Acme",
      websiteIds: [login.id, search.id, blog.id],
      sections: { [login.id]: " API ", [search.id]: "API", [blog.id]: XSS },
      subscriptions: true,
    });
    assert.deepEqual(page.websites.map((w) => w.section), ["API", "API", XSS]);
    const shown = await api.statusPage.public.query({ slug: "acme" });
    assert.deepEqual(shown.monitors.map((m) => [m.name, m.section]), [
      ["Login", "API"],
      ["Search", "API"],
      ["Blog", XSS],
    ]);

    const html = await (await fetch(`${server.url}/status/acme`)).text();
    assert.match(
      html,
      /<h3 id="section-0"[^>]*>API<\/h3>[\s\S]*<h4[^>]*>Login<\/h4>[\s\S]*<h4[^>]*>Search<\/h4>/,
    );
    assert.match(html, /<h3 id="section-1"[^>]*>&lt;img src=x onerror=alert\(1\)(>|&gt;)<\/h3>/);
    assert.doesNotMatch(html, /<img src=x/);
    assert.match(
      html,
      /<legend[^>]*>API<\/legend>[\s\S]*>Login<\/span>[\s\S]*>Search<\/span>[\s\S]*<legend[^>]*>&lt;img/,
      "the subscription form by section",
    );

    // A new order alone keeps each monitor's section; a section's monitors stay together,
    // where its first one is.
    const reordered = await api.statusPage.update.mutate({
      id: page.id,
      websiteIds: [login.id, blog.id, search.id],
    });
    assert.deepEqual(reordered.websites.map((w) => w.section), ["API", XSS, "API"]);
    const grouped = await (await fetch(`${server.url}/status/acme`)).text();
    assert.match(
      grouped,
      /<h3 id="section-0"[^>]*>API<\/h3>[\s\S]*>Login<\/h4>[\s\S]*>Search<\/h4>[\s\S]*<h3 id="section-1"/,
    );
    // The same section however it is capitalised: one heading, spelt as its first monitor has it.
    await api.statusPage.update.mutate({
      id: page.id,
      sections: { [login.id]: "API", [blog.id]: XSS, [search.id]: "api" },
    });
    const oneHeading = await (await fetch(`${server.url}/status/acme`)).text();
    assert.match(
      oneHeading,
      /<h3 id="section-0"[^>]*>API<\/h3>[\s\S]*>Login<\/h4>[\s\S]*>Search<\/h4>/,
    );
    assert.doesNotMatch(oneHeading, />api<\/h3>/);
    await api.statusPage.update.mutate({ id: page.id, sections: { [login.id]: "API" } });
    assert.match(
      await (await fetch(`${server.url}/status/acme`)).text(),
      /<h3 id="section-1"[^>]*>Other<\/h3>[\s\S]*>Blog<\/h4>/,
      "no section after a section is Other",
    );
    const cleared = await api.statusPage.update.mutate({
      id: page.id,
      sections: { [login.id]: "", [search.id]: "" },
    });
    assert.deepEqual(cleared.websites.map((w) => w.section), ["", "", ""]);
    assert.doesNotMatch(await (await fetch(`${server.url}/status/acme`)).text(), /data-section/);

    const refusal = (sections: Record<string, string>) =>
      errorMessage(api.statusPage.update.mutate({ id: page.id, sections }));
    const stray = crypto.randomUUID();
    assert.equal(
      await refusal({ [stray]: "API" }),
      `BAD_REQUEST: sections: website ${stray} is not one of the page's websiteIds`,
    );
    assert.equal(
      await refusal({ [login.id]: "x".repeat(61) }),
      "BAD_REQUEST: sections: at most 60 characters each",
    );
    assert.equal(
      await refusal({ [login.id]: "API\u0007" }),
      "BAD_REQUEST: sections: a section is plain text",
    );
    // Folded into one line; nothing visible is none.
    const folded = await api.statusPage.update.mutate({
      id: page.id,
      sections: { [login.id]: "API\n\tv2", [search.id]: "\u200b" },
    });
    assert.deepEqual(folded.websites.map((w) => w.section), ["API v2", "", ""]);
    assert.match(await refusal({ "not-an-id": "API" }), /^BAD_REQUEST: sections: /);
  } finally {
    await server.close();
  }
});

Deno.test({
  name: "in Chromium: the editor puts monitors under sections, and the public page shows them",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await apiServer();
    const browser = await launchChromium();
    try {
      const owner = await server.user("sections");
      const sites = [];
      for (const [i, name] of ["Login", "Search", "Marketing site", "Docs"].entries()) {
        sites.push(
          await owner.api.website.create.mutate({ url: `https://s${i}.example.com/`, name }),
        );
      }
      const page = await owner.api.statusPage.create.mutate({
        slug: "acme",
        title: "Acme",
        websiteIds: sites.map((s) => s.id),
      });
      const context = await signedInContext(browser, server.url, owner.jar);
      const tab = await context.newPage();
      const problems = watchProblems(tab);
      await tab.goto(`${server.url}/app/status-pages/${page.id}`);
      for (
        const [name, section] of [["Login", "API"], ["Search", "API"], [
          "Marketing site",
          "Website",
        ], ["Docs", "Website"]]
      ) {
        await tab.getByLabel(`Section of ${name}`).fill(section);
      }
      await Promise.all([
        tab.waitForEvent("load"),
        tab.getByRole("button", { name: "Save monitors" }).click(),
      ]);
      assert.equal(await tab.getByLabel("Section of Docs").inputValue(), "Website");
      await tab.getByLabel("Section of Docs").scrollIntoViewIfNeeded();
      await screenshots(tab, "status-page-sections-editor");

      await tab.goto(`${server.url}/status/acme`);
      const api = tab.getByRole("region", { name: "API" });
      const website = tab.getByRole("region", { name: "Website" });
      assert.deepEqual(await api.getByRole("heading", { level: 4 }).allInnerTexts(), [
        "Login",
        "Search",
      ]);
      assert.deepEqual(await website.getByRole("heading", { level: 4 }).allInnerTexts(), [
        "Marketing site",
        "Docs",
      ]);
      await screenshots(tab, "status-page-sections");
      assert.deepEqual(problems, []);
    } finally {
      await closeBrowser(browser);
      await server.close();
    }
  },
});
