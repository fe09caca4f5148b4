/**
 * A private status page: without its password nothing of it shows (the page, its badge,
 * feed, logo, subscription form, `statusPage.public`, live updates); the password form
 * gives a browser access, a new password takes it away, wrong guesses are limited; and in
 * Chromium, the owner makes a page private in the editor and a visitor opens it.
 */
import assert from "node:assert/strict";
import { apiServer, errorMessage, jarClient } from "../helpers/api.ts";
import {
  closeBrowser,
  launchChromium,
  screenshots,
  signedInContext,
  watchProblems,
} from "../helpers/browser.ts";
import { PAGE_PASSWORD_ATTEMPTS } from "../../services/status_pages/access.ts";

// Deno's WebSocket takes headers; the DOM lib's constructor type does not know that.
const DenoWebSocket = WebSocket as unknown as new (
  url: string,
  options: { headers: Record<string, string> },
) => WebSocket;

type Server = Awaited<ReturnType<typeof apiServer>>;

/** Ada's page "internal" of one monitor, "Billing backend"; private with a password. */
async function internalPage(server: Server, options: { password?: string; title?: string }) {
  const ada = await server.user("ada");
  const [site] = await server.bed.pg.sql`
    insert into websites (owner_id, url, name, regions)
    values (${ada.user.id}, 'https://internal.example.com/', 'Billing backend', ${["ams"]})
    returning id`;
  const page = await ada.api.statusPage.create.mutate({
    slug: "internal",
    title: options.title ?? "Internal systems",
    websiteIds: [site.id],
    password: options.password,
  });
  return { ada, page };
}

/** A socket with these cookies that asks for the page's updates, and its frames. */
async function follow(server: Server, cookie: string) {
  const socket = new DenoWebSocket(`${server.url.replace(/^http/, "ws")}/api/ws`, {
    headers: cookie ? { cookie } : {},
  });
  const frames: { type: string; websiteIds?: string[] }[] = [];
  let wake = () => {};
  socket.onmessage = (event) => {
    frames.push(JSON.parse(event.data));
    wake();
  };
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  socket.send(JSON.stringify({ type: "subscribe", statusPage: "internal" }));
  return {
    /** The next frame after the `seen` first ones (the server re-checks every 4 s). */
    async frame(seen: number) {
      while (frames.length <= seen) await new Promise<void>((resolve) => wake = resolve);
      return frames[seen];
    },
    async close() {
      const closed = new Promise((resolve) => socket.onclose = resolve);
      socket.close();
      await closed;
    },
  };
}

Deno.test("a private page shows nothing of itself without its password, and everything with it", async () => {
  const server = await apiServer();
  try {
    const { ada, page } = await internalPage(server, { password: "s3cret-status" });
    assert.equal(page.private, true);
    const visitor = jarClient(server.url);
    const get = (path: string) => visitor.fetch(`${server.url}/status/internal${path}`);

    const locked = await get("");
    const lockedHtml = await locked.text();
    assert.equal(locked.status, 403);
    assert.equal(locked.headers.get("cache-control"), "no-store");
    assert.match(lockedHtml, /This status page is private/);
    assert.match(lockedHtml, /<label for="page-password"[^>]*>Password<\/label>/);
    assert.doesNotMatch(lockedHtml, /Billing backend|Operational/);
    for (const path of ["/badge.svg", "/feed.atom", "/logo"]) {
      const refused = await get(path);
      await refused.body?.cancel();
      assert.equal(refused.status, 404, path);
    }
    const subscribe = await visitor.fetch(`${server.url}/status/internal/subscribe`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url },
      body: "email=spy%40example.com",
    });
    await subscribe.body?.cancel();
    assert.equal(subscribe.status, 404);
    assert.equal(
      await errorMessage(visitor.api.statusPage.public.query({ slug: "internal" })),
      "FORBIDDEN: This status page is private: open it and give its password",
    );
    const stranger = await follow(server, "");
    assert.equal((await stranger.frame(0)).type, "error");
    await stranger.close();

    const unlock = (password: string) =>
      visitor.fetch(`${server.url}/status/internal`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url },
        body: new URLSearchParams({ password }).toString(),
        redirect: "manual",
      });
    const empty = await unlock("");
    assert.equal(empty.status, 400);
    assert.match(
      await empty.text(),
      /id="page-password-error"[^>]*>⚠ Enter the page(&#39;|')s password/,
    );
    const wrong = await unlock("s3cret-statu");
    assert.equal(wrong.status, 400);
    assert.match(
      await wrong.text(),
      /id="page-password-error"[^>]*>⚠ That is not this page's password/,
    );
    assert.equal(visitor.jar.size, 0);
    const right = await unlock("s3cret-status");
    await right.body?.cancel();
    assert.equal(right.status, 303);
    assert.equal(right.headers.get("location"), "/status/internal");
    assert.match(
      right.headers.get("set-cookie")!,
      /; Path=\/; HttpOnly; SameSite=Lax; Max-Age=2592000$/,
    );

    const open = await get("");
    const html = await open.text();
    assert.equal(open.status, 200);
    assert.equal(open.headers.get("cache-control"), "private, no-store");
    assert.match(html, /Billing backend/);
    assert.match(html, /<meta name="robots" content="noindex"/);
    const badge = await get("/badge.svg");
    await badge.body?.cancel();
    assert.equal(badge.status, 200);
    assert.equal((await visitor.api.statusPage.public.query({ slug: "internal" })).private, true);
    const cookie = [...visitor.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const follower = await follow(server, cookie);
    assert.equal((await follower.frame(0)).type, "subscribed");

    // A new password: what the old one gave is gone, on the page and on the open socket.
    await ada.api.statusPage.update.mutate({ id: page.id, password: "n3w-password" });
    const again = await get("");
    await again.body?.cancel();
    assert.equal(again.status, 403);
    assert.deepEqual(await follower.frame(1), { type: "subscribed", websiteIds: [] });
    await follower.close();
    // Public again: anyone sees it.
    await ada.api.statusPage.update.mutate({ id: page.id, password: null });
    const anyone = await fetch(`${server.url}/status/internal`);
    assert.match(await anyone.text(), /Billing backend/);
    assert.match(anyone.headers.get("cache-control")!, /^public, /);
    assert.match(
      await errorMessage(ada.api.statusPage.update.mutate({ id: page.id, password: "short" })),
      /password: at least 8 characters/,
    );
  } finally {
    await server.close();
  }
});

Deno.test("wrong passwords for a private page are limited per address; the right one then waits too", async () => {
  const server = await apiServer();
  try {
    await internalPage(server, { password: "s3cret-status" });
    const guess = (password: string) =>
      fetch(`${server.url}/status/internal`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url },
        body: new URLSearchParams({ password }).toString(),
        redirect: "manual",
      });
    for (let i = 0; i < PAGE_PASSWORD_ATTEMPTS; i++) {
      const wrong = await guess(`guess-${i}-guess`);
      await wrong.body?.cancel();
      assert.equal(wrong.status, 400);
    }
    const blocked = await guess("s3cret-status");
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get("retry-after")) > 0);
    assert.match(await blocked.text(), /Too many wrong passwords; try again in \d+ s/);
  } finally {
    await server.close();
  }
});

Deno.test({
  name: "in Chromium: the owner makes a page private; a visitor gives its password and sees it",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await apiServer();
    const browser = await launchChromium();
    try {
      const { ada, page: made } = await internalPage(server, {
        title: "<img src=x onerror=alert(1)>",
      });
      const owner = await signedInContext(browser, server.url, ada.jar);
      const page = await owner.newPage();
      const problems = watchProblems(page);
      await page.goto(`${server.url}/app/status-pages/${made.id}`);
      await page.getByLabel("Visitor password").fill("s3cret-status");
      await page.getByRole("button", { name: "Make page private" }).click();
      await page.getByText("The page is private: visitors give its password").waitFor();
      await page.getByLabel("New visitor password").waitFor();
      await page.getByRole("button", { name: "Make page public" }).waitFor();
      await screenshots(page, "status-page-private-editor");
      // Whoever set the password sees the page at once.
      await page.goto(`${server.url}/status/internal`);
      await page.getByText("Billing backend").waitFor();

      const visitor = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const stranger = await visitor.newPage();
      const strangerProblems = watchProblems(stranger);
      await stranger.goto(`${server.url}/status/internal`);
      await stranger.getByRole("heading", { name: "This status page is private" }).waitFor();
      assert.equal(await stranger.locator("img[src=x]").count(), 0, "the title is text");
      await stranger.getByLabel("Password").fill("not-it-at-all");
      await stranger.getByRole("button", { name: "View status page" }).click();
      await stranger.getByText("That is not this page's password").waitFor();
      await screenshots(stranger, "status-page-private-form");
      await stranger.getByLabel("Password").fill("s3cret-status");
      await stranger.getByRole("button", { name: "View status page" }).click();
      await stranger.getByText("Billing backend").waitFor();
      assert.equal(new URL(stranger.url()).pathname, "/status/internal");
      assert.deepEqual(problems, []);
      // The wrong password was answered 400 on purpose.
      assert.deepEqual(strangerProblems.filter((p) => !/status of 40[03]/.test(p)), []);
      await visitor.close();
      await owner.close();
    } finally {
      await closeBrowser(browser);
      await server.close();
    }
  },
});
