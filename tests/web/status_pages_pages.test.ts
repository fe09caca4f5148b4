/**
 * The status-page screens as plain forms: the list and its empty state, creating a page
 * with monitors, the editor (details, monitors and their order, URLs shown), custom
 * domains with their DNS records, deletion behind a confirmation, every user string
 * shown as text, and nobody else's page reachable.
 */
import assert from "node:assert/strict";
import { apiServer } from "../helpers/api.ts";
import { getStatusPage } from "../../services/status_pages/get.ts";
import { startFlyStandIn } from "../helpers/fly_stand_in.ts";
import { startDnsServer } from "../helpers/dns_server.ts";

const form = (fields: Record<string, string> | [string, string][]) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
  redirect: "manual" as const,
});

const SCRIPT_TITLE = "<script>alert(1)</script>";
const IMG_NAME = "<img src=x onerror=alert(1)>";

Deno.test("status pages: list, create, edit, domains and delete as plain forms", async (t) => {
  const server = await apiServer();
  try {
    const me = await server.user("pages");
    const actor = { userId: me.user.id, accountId: me.user.id };
    const get = async (path: string) => {
      const res = await me.fetch(`${server.url}${path}`, { redirect: "manual" });
      return { status: res.status, html: await res.text(), location: res.headers.get("location") };
    };
    const post = async (path: string, fields: Record<string, string> | [string, string][]) => {
      const res = await me.fetch(`${server.url}${path}`, form(fields));
      return { status: res.status, html: await res.text(), location: res.headers.get("location") };
    };
    const slug = `acme-${crypto.randomUUID().slice(0, 8)}`;
    let pageId = "";
    let editor = "";

    await t.step("with no pages, the list leads to the create form", async () => {
      const { status, html } = await get("/app/status-pages");
      assert.equal(status, 200);
      assert.match(html, /<title>Status pages · Uptime<\/title>/);
      assert.match(html, /No status pages yet/);
      assert.match(html, /<a[^>]*href="#create"[^>]*>Create status page<\/a>/);
      assert.match(html, /You have no monitors yet/);
    });

    const api = await me.api.website.create.mutate({
      url: "https://api.example.com/",
      name: "API",
    });
    const shop = await me.api.website.create.mutate({
      url: "https://shop.example.com/",
      name: IMG_NAME,
    });

    await t.step("bad input is said at its field, and what was typed stays", async () => {
      const empty = await post("/app/status-pages", {
        intent: "create",
        title: " ",
        slug: "ok-slug",
      });
      assert.equal(empty.status, 400);
      assert.match(empty.html, /id="title-error"[^>]*>⚠ Must not be empty/);
      assert.match(empty.html, /value="ok-slug"/);
      const reserved = await post("/app/status-pages", [
        ["intent", "create"],
        ["title", "Acme"],
        ["slug", "app"],
        ["websiteIds", api.id],
      ]);
      assert.equal(reserved.status, 400);
      assert.match(reserved.html, /id="slug-error"[^>]*>⚠ This name is reserved, choose another/);
      assert.match(reserved.html, new RegExp(`value="${api.id}" checked`));
      assert.deepEqual(await me.api.statusPage.list.query(), []);
    });

    await t.step("creating a page with two monitors opens its editor", async () => {
      const created = await post("/app/status-pages", [
        ["intent", "create"],
        ["title", SCRIPT_TITLE],
        ["slug", slug],
        ["websiteIds", api.id],
        ["websiteIds", shop.id],
      ]);
      assert.equal(created.status, 303);
      const match = /^\/app\/status-pages\/([0-9a-f-]{36})\?done=created$/.exec(created.location!);
      assert.ok(match, created.location!);
      pageId = match[1];
      const page = await getStatusPage(server.services, actor, pageId);
      assert.deepEqual(page.websites.map((w) => w.websiteId), [api.id, shop.id]);
      const opened = await get(created.location!);
      assert.equal(opened.status, 200);
      editor = opened.html;
      assert.match(editor, /Status page created/);
      assert.match(editor, new RegExp(`<a[^>]*href="/status/${slug}"[^>]*>View public page</a>`));
    });

    await t.step("user strings are text, never markup", () => {
      assert.ok(!editor.includes("<script>alert(1)"), "no script tag from the title");
      assert.ok(!editor.includes("<img src=x"), "no img tag from the monitor name");
      assert.ok(editor.includes("&lt;script>alert(1)&lt;/script>"));
      assert.ok(editor.includes("&lt;img src=x onerror=alert(1)>"));
      assert.match(editor, /<title>&lt;script>alert\(1\)&lt;\/script> · Status pages · Uptime/);
    });

    await t.step("the list shows title, slug, public link and monitor count", async () => {
      const { html } = await get("/app/status-pages");
      assert.ok(html.includes(`href="/app/status-pages/${pageId}"`));
      assert.ok(html.includes("&lt;script>alert(1)&lt;/script>"));
      assert.match(html, new RegExp(`href="/status/${slug}"`));
      assert.match(html, /2 monitors/);
      assert.ok(!html.includes("No status pages yet"));
    });

    await t.step("a taken slug is said at the slug field", async () => {
      const other = await server.user("other-pages");
      const res = await other.fetch(
        `${server.url}/app/status-pages`,
        form({ intent: "create", title: "Copy", slug }),
      );
      assert.equal(res.status, 409);
      assert.match(
        await res.text(),
        new RegExp(`id="slug-error"[^>]*>⚠ &quot;${slug}&quot; is already taken`),
      );
    });

    await t.step("moving a monitor down saves the new order", async () => {
      const res = await post(`/app/status-pages/${pageId}`, [
        ["intent", "monitors"],
        ["websiteIds", api.id],
        ["websiteIds", shop.id],
        ["move", `down:${api.id}`],
      ]);
      assert.equal(res.status, 303);
      // Back to the row moved, which says where it went.
      assert.equal(
        res.location,
        `/app/status-pages/${pageId}?done=moved&moved=down%3A${api.id}`,
      );
      const page = await getStatusPage(server.services, actor, pageId);
      assert.deepEqual(page.websites.map((w) => w.websiteId), [shop.id, api.id]);
      const { html } = await get(res.location!);
      assert.ok(
        html.indexOf(`data-monitor="${shop.id}"`) < html.indexOf(`data-monitor="${api.id}"`),
        "the editor lists the monitors in the new order",
      );
      const row = html.slice(html.indexOf(`id="monitor-${api.id}"`));
      assert.match(
        row.slice(0, row.indexOf("</li>")),
        /role="status"[^>]*>Order saved: now 2 of 2\.</,
      );
      assert.match(html, /<span class="sr-only">Move<\/span> Up<span class="sr-only"> API<\/span>/);
      // Moved to the end, its Down button is off: focus comes back on its Up button.
      assert.match(row, /<button[^>]*value="up:[^"]*"[^>]*autofocus/);
    });

    await t.step("Show URL and leaving a monitor off are saved", async () => {
      const res = await post(`/app/status-pages/${pageId}`, [
        ["intent", "monitors"],
        ["websiteIds", shop.id],
        ["showUrls", shop.id],
        ["showUrls", api.id], // not on the page any more: ignored
      ]);
      assert.equal(res.status, 303);
      const page = await getStatusPage(server.services, actor, pageId);
      assert.deepEqual(page.websites.map((w) => [w.websiteId, w.showUrl]), [[shop.id, true]]);
      const { html } = await get(`/app/status-pages/${pageId}`);
      assert.match(html, new RegExp(`name="showUrls" value="${shop.id}" checked`));
      await post(`/app/status-pages/${pageId}`, [
        ["intent", "monitors"],
        ["websiteIds", shop.id],
        ["websiteIds", api.id],
      ]);
    });

    await t.step("details: a bad slug is said at its field, a good one saved", async () => {
      const bad = await post(`/app/status-pages/${pageId}`, {
        intent: "details",
        title: "Acme status",
        slug: "-bad-",
      });
      assert.equal(bad.status, 400);
      assert.match(bad.html, /id="slug-error"[^>]*>⚠ Only letters, digits and dashes/);
      assert.match(bad.html, /value="-bad-"/);
      const good = await post(`/app/status-pages/${pageId}`, {
        intent: "details",
        title: "Acme status",
        slug,
      });
      assert.equal(good.status, 303);
      assert.equal((await getStatusPage(server.services, actor, pageId)).title, "Acme status");
    });

    const hostname = `status.${crypto.randomUUID().slice(0, 8)}.example.com`;
    let domainId = "";

    await t.step("adding a domain shows the DNS records to create", async () => {
      const bad = await post(`/app/status-pages/${pageId}`, {
        intent: "add-domain",
        hostname: "not a hostname",
      });
      assert.equal(bad.status, 400);
      assert.match(bad.html, /id="hostname-error"[^>]*>⚠ /);
      assert.match(bad.html, /value="not a hostname"/);

      const added = await post(`/app/status-pages/${pageId}`, {
        intent: "add-domain",
        hostname: hostname.toUpperCase(),
      });
      assert.equal(added.status, 303);
      assert.equal(added.location, `/app/status-pages/${pageId}?done=domain-added#domains`);
      const [domain] = await me.api.statusDomain.list.query({ statusPageId: pageId });
      domainId = domain.id;
      const { html } = await get(`/app/status-pages/${pageId}?done=domain-added`);
      assert.ok(html.includes(`id="domain-${domainId}"`));
      assert.match(html, /DNS records to create/);
      // Not on Fly, no certificate is requested for it: the page says who adds one.
      assert.match(html, /Certificate: not automatic here/);
      assert.match(html, /Certificates are not requested automatically on this deployment/);
      assert.doesNotMatch(html, /The certificate is requested once the domain is verified/);
      // The record is on the page as selectable text, whether or not JavaScript runs.
      assert.match(
        html,
        new RegExp(`<code[^>]*select-all[^>]*>${hostname.replaceAll(".", "\\.")}</code>`),
      );
      assert.match(html, /<code[^>]*>localhost<\/code>/, "CNAME to the app's host (APP_URL)");
      assert.match(html, /<button[^>]*>Verify domain<span class="sr-only">/);
    });

    await t.step("a hostname already in use is said at the hostname field", async () => {
      const res = await post(`/app/status-pages/${pageId}`, { intent: "add-domain", hostname });
      assert.equal(res.status, 409);
      assert.match(res.html, /id="hostname-error"[^>]*>⚠ .*already in use/);
    });

    await t.step("verify records the check and says what it found missing", async () => {
      const res = await post(`/app/status-pages/${pageId}`, {
        intent: "verify-domain",
        domainId,
      });
      // No DNS record exists for it: the editor again, naming the records not found.
      assert.equal(res.status, 200);
      assert.match(res.html, /Not verified yet:/);
      assert.match(
        res.html,
        new RegExp(`no TXT record _uptime\\.${hostname.replaceAll(".", "\\.")} yet`),
      );
      assert.doesNotMatch(res.html, /Domain verified\./);
      const [domain] = await me.api.statusDomain.list.query({ statusPageId: pageId });
      assert.ok(domain.lastCheckedAt, "the check time is stored");
    });

    await t.step("removing a domain asks first", async () => {
      const asked = await get(`/app/status-pages/${pageId}?confirm=remove:${domainId}`);
      assert.match(asked.html, /<button[^>]*>Yes, remove domain<\/button>/);
      const removed = await post(`/app/status-pages/${pageId}`, {
        intent: "remove-domain",
        domainId,
      });
      assert.equal(removed.status, 303);
      assert.deepEqual(await me.api.statusDomain.list.query({ statusPageId: pageId }), []);
      const again = await post(`/app/status-pages/${pageId}`, {
        intent: "remove-domain",
        domainId,
      });
      assert.equal(again.status, 409);
      assert.match(again.html, /This domain is no longer on the page/);
    });

    await t.step("another user cannot see or change the page", async () => {
      const intruder = await server.user("intruder");
      for (const init of [{}, form({ intent: "delete" })]) {
        const res = await intruder.fetch(`${server.url}/app/status-pages/${pageId}`, {
          redirect: "manual",
          ...init,
        });
        await res.body?.cancel();
        assert.equal(res.status, 404);
      }
      const missing = await get(`/app/status-pages/not-an-id`);
      assert.equal(missing.status, 404);
      assert.equal((await getStatusPage(server.services, actor, pageId)).title, "Acme status");
    });

    await t.step("deleting asks first, then the page is gone", async () => {
      const asked = await get(`/app/status-pages/${pageId}?confirm=delete`);
      assert.match(asked.html, /<button[^>]*>Yes, delete status page<\/button>/);
      const deleted = await post(`/app/status-pages/${pageId}`, { intent: "delete" });
      assert.equal(deleted.status, 303);
      assert.equal(deleted.location, "/app/status-pages?done=deleted");
      const { html } = await get("/app/status-pages?done=deleted");
      assert.match(html, /The status page was deleted/);
      assert.match(html, /No status pages yet/);
      assert.equal((await get(`/app/status-pages/${pageId}`)).status, 404);
    });
  } finally {
    await server.close();
  }
});

Deno.test("with Fly, a domain's certificate goes from pending to issued as the editor shows", async () => {
  const fly = startFlyStandIn();
  const dns = await startDnsServer();
  const server = await apiServer({ ...fly.env, ...dns.env });
  try {
    const me = await server.user("fly-pages");
    const page = await me.api.statusPage.create.mutate({
      slug: `fly-${crypto.randomUUID().slice(0, 8)}`,
      title: "Fly",
      websiteIds: [],
    });
    const path = `/app/status-pages/${page.id}`;
    const hostname = `status.${crypto.randomUUID().slice(0, 8)}.example.com`;
    const added = await me.fetch(`${server.url}${path}`, form({ intent: "add-domain", hostname }));
    await added.body?.cancel();
    assert.equal(added.status, 303);
    // Only a verified hostname gets a certificate requested.
    assert.deepEqual(fly.hostnames(), []);
    const editor = async () => await (await me.fetch(`${server.url}${path}`)).text();
    const pending = await editor();
    assert.match(pending, /Certificate pending/);
    assert.match(pending, new RegExp(`<code[^>]*>${fly.appName}\\.fly\\.dev</code>`));

    const [domain] = await me.api.statusDomain.list.query({ statusPageId: page.id });
    dns.zone.set(`_uptime.${hostname}`, { TXT: [domain.verificationToken] });
    const verify = async () => {
      const verified = await me.fetch(
        `${server.url}${path}`,
        form({ intent: "verify-domain", domainId: domain.id }),
      );
      await verified.body?.cancel();
      assert.equal(verified.status, 303);
    };
    await verify();
    assert.deepEqual(fly.hostnames(), [hostname]);
    fly.issue(hostname);
    await verify();
    assert.match(await editor(), /Certificate issued/);
  } finally {
    await server.close();
    await fly.close();
    await dns.close();
  }
});
