import assert from "node:assert/strict";
import { TRPCClientError } from "@trpc/client";
import { apiServer, errorCode } from "../helpers/api.ts";

Deno.test("sign up, me, log out, log in: the session follows the cookie", async () => {
  const server = await apiServer();
  try {
    const browser = server.client();
    const email = `Ada.${crypto.randomUUID().slice(0, 6)}@Example.COM `;
    const user = await browser.api.user.signup.mutate({
      email,
      password: "s3cret-enough",
      name: "Ada",
    });
    assert.equal(user.email, email.trim().toLowerCase());
    assert.deepEqual(await browser.api.user.me.query(), user);
    const firstToken = browser.jar.get("uptime_session");
    await browser.api.user.logout.mutate();
    assert.equal(await errorCode(browser.api.user.me.query()), "UNAUTHORIZED");
    // The old token is dead server-side, not only forgotten by the browser.
    const replay = server.client();
    replay.jar.set("uptime_session", firstToken!);
    assert.equal(await errorCode(replay.api.user.me.query()), "UNAUTHORIZED");
    await browser.api.user.login.mutate({ email: email.toUpperCase(), password: "s3cret-enough" });
    assert.equal((await browser.api.user.me.query()).id, user.id);
    assert.notEqual(browser.jar.get("uptime_session"), firstToken);
  } finally {
    await server.close();
  }
});

Deno.test("the session cookie is HttpOnly and SameSite=Lax, and stored only hashed", async () => {
  const server = await apiServer();
  try {
    const response = await fetch(`${server.url}/api/trpc/user.signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "cookie@example.com", password: "long enough" }),
    });
    assert.equal(response.status, 200);
    const cookie = response.headers.get("set-cookie")!;
    assert.match(cookie, /uptime_session=[\w-]{43};/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    await response.body?.cancel();
    const token = /uptime_session=([\w-]+)/.exec(cookie)![1];
    const rows = await server.bed.pg.sql`select token_hash from sessions`;
    assert.equal(rows.length, 1);
    assert.notEqual(rows[0].token_hash, token);
    assert.equal(rows[0].token_hash.length, 64);
  } finally {
    await server.close();
  }
});

Deno.test("a duplicate email, a wrong password and bad input are clear 4xx errors", async () => {
  const server = await apiServer();
  try {
    const { email } = await server.user("dup");
    const other = server.client();
    assert.equal(
      await errorCode(other.api.user.signup.mutate({ email, password: "another one" })),
      "CONFLICT",
    );
    assert.equal(
      await errorCode(other.api.user.login.mutate({ email, password: "wrong password" })),
      "UNAUTHORIZED",
    );
    try {
      await other.api.user.signup.mutate({ email: "not-an-email", password: "short" });
      assert.fail("accepted bad input");
    } catch (error) {
      assert.ok(error instanceof TRPCClientError);
      assert.equal(error.data?.code, "BAD_REQUEST");
      assert.match(error.message, /email: not a valid address/);
      assert.match(error.message, /password: at least 8 characters/);
    }
  } finally {
    await server.close();
  }
});

Deno.test("login attempts are limited per account: 429 with the wait time", async () => {
  const server = await apiServer();
  try {
    const { email } = await server.user("limited");
    const attacker = server.client();
    const codes: string[] = [];
    for (let i = 0; i < 11; i++) {
      codes.push(
        await errorCode(attacker.api.user.login.mutate({ email, password: `guess ${i}` })),
      );
    }
    assert.deepEqual(codes.slice(0, 9), Array(9).fill("UNAUTHORIZED"));
    assert.equal(codes[10], "TOO_MANY_REQUESTS");
    const raw = await fetch(`${server.url}/api/trpc/user.login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: "whatever" }),
    });
    assert.equal(raw.status, 429);
    assert.ok(Number(raw.headers.get("retry-after")) > 0);
    assert.match((await raw.json()).error.message, /try again in \d+ s/);
  } finally {
    await server.close();
  }
});

Deno.test("a write from another origin is refused", async () => {
  const server = await apiServer();
  try {
    const response = await fetch(`${server.url}/api/trpc/user.signup`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://evil.example" },
      body: JSON.stringify({ email: "csrf@example.com", password: "long enough" }),
    });
    assert.equal(response.status, 403);
    await response.body?.cancel();
    const rows = await server.bed.pg.sql`select 1 from users where email = 'csrf@example.com'`;
    assert.equal(rows.length, 0);
  } finally {
    await server.close();
  }
});

Deno.test("a session ends after a week unused or 30 days after login", async () => {
  const server = await apiServer();
  try {
    const idle = await server.user("idle");
    const old = await server.user("old");
    assert.equal((await idle.api.user.me.query()).id, idle.user.id);
    await server.bed.pg.sql`
      update sessions set last_seen_at = now() - interval '8 days' where user_id = ${idle.user.id}`;
    await server.bed.pg.sql`
      update sessions set expires_at = now() - interval '1 minute' where user_id = ${old.user.id}`;
    assert.equal(await errorCode(idle.api.user.me.query()), "UNAUTHORIZED");
    assert.equal(await errorCode(old.api.user.me.query()), "UNAUTHORIZED");
  } finally {
    await server.close();
  }
});

Deno.test("attempts are limited per address too, across accounts", async () => {
  const FAILURES_PER_ADDRESS = 12;
  const server = await apiServer({ LOGIN_FAILURES_PER_ADDRESS: String(FAILURES_PER_ADDRESS) });
  try {
    const client = server.client();
    const codes: string[] = [];
    for (let i = 0; i <= FAILURES_PER_ADDRESS; i++) {
      const email = `nobody-${i}@example.com`;
      codes.push(await errorCode(client.api.user.login.mutate({ email, password: "whatever" })));
    }
    assert.deepEqual(
      codes.slice(0, FAILURES_PER_ADDRESS),
      Array(FAILURES_PER_ADDRESS).fill("UNAUTHORIZED"),
    );
    assert.equal(codes[FAILURES_PER_ADDRESS], "TOO_MANY_REQUESTS");
  } finally {
    await server.close();
  }
});
