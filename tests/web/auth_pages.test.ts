/**
 * Sign-up, log-in and log-out as forms without JavaScript: posts handled on the server,
 * errors in words beside their field, protected pages behind the login, no open redirect.
 */
import assert from "node:assert/strict";
import { apiServer } from "../helpers/api.ts";

const form = (fields: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
  redirect: "manual" as const,
});

Deno.test("auth pages work as plain forms", async (t) => {
  const server = await apiServer();
  try {
    const browser = server.client();
    const get = (path: string) => browser.fetch(`${server.url}${path}`, { redirect: "manual" });
    const email = `person-${crypto.randomUUID().slice(0, 8)}@example.com`;

    await t.step("a protected page sends a signed-out visitor to the login", async () => {
      const res = await get("/app/status-pages?x=1");
      await res.body?.cancel();
      assert.equal(res.status, 302);
      assert.equal(res.headers.get("location"), "/login?next=%2Fapp%2Fstatus-pages%3Fx%3D1");
    });

    await t.step("a short password is refused beside the password field", async () => {
      const res = await browser.fetch(`${server.url}/signup`, form({ email, password: "short" }));
      const html = await res.text();
      assert.equal(res.status, 400);
      assert.match(html, /id="password-error"[^>]*>⚠ At least 8 characters/);
      assert.match(html, new RegExp(`value="${email}"`));
    });

    await t.step("signing up starts a session and goes to next", async () => {
      const res = await browser.fetch(
        `${server.url}/signup?next=${encodeURIComponent("/app/account")}`,
        form({ email, password: "correct horse 1", name: "Ada" }),
      );
      await res.body?.cancel();
      assert.equal(res.status, 303);
      assert.equal(res.headers.get("location"), "/app/account");
      assert.ok(browser.jar.size > 0, "a session cookie was set");
      const app = await get("/app");
      assert.equal(app.status, 200);
      assert.match(await app.text(), /Add your first monitor/);
    });

    await t.step("signed in, /login and /signup go to the dashboard", async () => {
      for (const path of ["/login", "/signup"]) {
        const res = await get(path);
        await res.body?.cancel();
        assert.equal(res.headers.get("location"), "/app");
      }
    });

    await t.step("a taken email is said at the email field", async () => {
      const other = server.client();
      const res = await other.fetch(
        `${server.url}/signup`,
        form({ email, password: "another pass 2" }),
      );
      assert.equal(res.status, 409);
      assert.match(
        await res.text(),
        /id="email-error"[^>]*>⚠ An account with this email already exists/,
      );
    });

    await t.step("a wrong password is said at the password field", async () => {
      const other = server.client();
      const res = await other.fetch(
        `${server.url}/login`,
        form({ email, password: "wrong password" }),
      );
      assert.equal(res.status, 401);
      assert.match(await res.text(), /id="password-error"[^>]*>⚠ Wrong email or password/);
      assert.equal(other.jar.size, 0);
    });

    await t.step("next never leaves the site", async () => {
      for (
        const next of [
          "//evil.example",
          "https://evil.example/",
          "/\\evil.example",
          "javascript:alert(1)",
        ]
      ) {
        const other = server.client();
        const res = await other.fetch(
          `${server.url}/login?next=${encodeURIComponent(next)}`,
          form({ email, password: "correct horse 1" }),
        );
        await res.body?.cancel();
        assert.equal(res.status, 303, next);
        assert.equal(res.headers.get("location"), "/app", next);
      }
    });

    await t.step("a form posted from another site is refused", async () => {
      const other = server.client();
      const res = await other.fetch(`${server.url}/login`, {
        ...form({ email, password: "correct horse 1" }),
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          origin: "https://evil.example",
        },
      });
      await res.body?.cancel();
      assert.equal(res.status, 403);
      assert.equal(other.jar.size, 0);
    });

    await t.step("logging out ends the session", async () => {
      const res = await browser.fetch(`${server.url}/logout`, {
        method: "POST",
        redirect: "manual",
      });
      await res.body?.cancel();
      assert.equal(res.headers.get("location"), "/login");
      const app = await get("/app");
      await app.body?.cancel();
      assert.equal(app.status, 302);
    });
  } finally {
    await server.close();
  }
});
