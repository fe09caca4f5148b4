/**
 * API tokens against the real API: a script calls queries and mutations with a bearer
 * token (from anywhere: no cookie, no CSRF risk), cannot touch the account's sign-in or
 * tokens, and is refused at once after the token is revoked.
 */
import assert from "node:assert/strict";
import { apiServer, errorCode, errorMessage } from "../helpers/api.ts";

Deno.test("a script calls the API with a token until it is revoked, and never reaches the account", async () => {
  const server = await apiServer();
  try {
    const owner = await server.user("owner");
    const { api } = owner;
    const website = await api.website.create.mutate({ url: "https://example.com/", name: "Shop" });
    const made = await api.apiToken.create.mutate({ name: "  Deploy script  " });
    assert.match(made.token, /^upt_[A-Za-z0-9_-]{43}$/);
    assert.equal(made.name, "Deploy script");
    assert.equal(made.prefix, made.token.slice(0, 8));
    const [listed] = await api.apiToken.list.query();
    assert.deepEqual([listed.name, listed.prefix, listed.lastUsedAt], [
      "Deploy script",
      made.prefix,
      null,
    ]);
    assert.ok(!JSON.stringify(await api.apiToken.list.query()).includes(made.token));
    // Only its hash is stored.
    const stored = await server.services.sql`select token_hash from api_tokens`;
    assert.notEqual(stored[0].token_hash, made.token);

    const call = (path: string, init: { token?: string; body?: unknown; origin?: string } = {}) =>
      fetch(
        `${server.url}/api/trpc/${path}`,
        {
          method: init.body === undefined ? "GET" : "POST",
          headers: {
            ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
            ...(init.origin ? { origin: init.origin } : {}),
            "content-type": "application/json",
          },
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
        },
      );
    const list = await call("website.list", { token: made.token });
    assert.equal(list.status, 200);
    assert.deepEqual((await list.json()).result.data.map((w: { name: string }) => w.name), [
      "Shop",
    ]);
    // A change from a deploy script, wherever it runs (an Origin of its own is no CSRF).
    const created = await call("maintenance.create", {
      token: made.token,
      origin: "https://ci.example.com",
      body: {
        title: "Deploy",
        startsAt: Date.now(),
        endsAt: Date.now() + 600_000,
        websiteIds: [website.id],
      },
    });
    assert.equal(created.status, 200);
    assert.equal((await api.maintenance.list.query())[0].title, "Deploy");
    assert.notEqual((await api.apiToken.list.query())[0].lastUsedAt, null);

    // Not the account's sign-in, nor tokens: a browser session only.
    for (
      const [path, body] of [
        ["apiToken.create", { name: "another" }],
        ["apiToken.revoke", { id: made.id }],
        ["account.changePassword", { currentPassword: "x", newPassword: "correct horse 2" }],
        ["account.signOutEverywhere", undefined],
        ["team.invite", { email: "thief@example.com" }],
        ["team.removeMember", { userId: crypto.randomUUID() }],
      ] as const
    ) {
      const refused = await call(path, { token: made.token, body: body ?? {} });
      assert.equal(refused.status, 403, path);
      assert.equal((await refused.json()).error.data.code, "FORBIDDEN");
    }
    assert.equal((await call("apiToken.list", { token: made.token })).status, 403);

    // A wrong token is no one, whatever cookie comes with it.
    for (const token of ["upt_nope", "not-a-token", made.token.slice(0, -1)]) {
      assert.equal((await call("website.list", { token })).status, 401, token);
    }

    // Signing out everywhere revokes tokens too: one made in a stolen session goes with it.
    const { api: other } = await server.user("other");
    const second = await other.apiToken.create.mutate({ name: "CI" });
    assert.equal((await call("website.list", { token: second.token })).status, 200);
    assert.deepEqual(await other.account.signOutEverywhere.mutate(), {
      sessionsEnded: 1,
      tokensRevoked: 1,
    });
    assert.equal((await call("website.list", { token: second.token })).status, 401);
    // Another bearer (an auth proxy's) is not ours: the cookie decides, as without it.
    const proxied = await owner.fetch(`${server.url}/api/trpc/website.list`, {
      headers: { authorization: "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x" },
    });
    assert.equal(proxied.status, 200);

    await api.apiToken.revoke.mutate({ id: made.id });
    const after = await call("website.list", { token: made.token });
    assert.equal(after.status, 401);
    assert.equal((await after.json()).error.data.code, "UNAUTHORIZED");
    assert.deepEqual(await api.apiToken.list.query(), []);
    assert.equal(await errorCode(api.apiToken.revoke.mutate({ id: made.id })), "NOT_FOUND");
    assert.equal(await errorCode(api.apiToken.create.mutate({ name: " " })), "BAD_REQUEST");
  } finally {
    await server.close();
  }
});

Deno.test("a token made to expire is refused from then on, and listed as expired", async () => {
  const server = await apiServer();
  try {
    const owner = await server.user("owner");
    const before = Date.now();
    const made = await owner.api.apiToken.create.mutate({ name: "CI", expiresInDays: 30 });
    assert.ok(
      made.expiresAt! >= before + 30 * 86_400_000 &&
        made.expiresAt! <= Date.now() + 30 * 86_400_000,
    );
    const forever = await owner.api.apiToken.create.mutate({ name: "Backup" });
    assert.equal(forever.expiresAt, null);
    assert.match(
      await errorMessage(owner.api.apiToken.create.mutate({ name: "x", expiresInDays: 366 })),
      /^BAD_REQUEST: expiresInDays: at most 365/,
    );
    const call = (token: string) =>
      fetch(`${server.url}/api/trpc/website.list`, {
        headers: { authorization: `Bearer ${token}` },
      });
    const ok = await call(made.token);
    await ok.body?.cancel();
    assert.equal(ok.status, 200);

    // Its day comes.
    await server.services.sql`update api_tokens set expires_at = now() - interval '1 minute'
      where id = ${made.id}`;
    const refused = await call(made.token);
    await refused.body?.cancel();
    assert.equal(refused.status, 401);
    const still = await call(forever.token);
    await still.body?.cancel();
    assert.equal(still.status, 200);
    const page = await (await owner.fetch(`${server.url}/app/api-tokens`)).text();
    assert.match(page, /expired <time[^>]*>[^<]*<\/time>: calls with it are refused/);
    assert.match(page, /never expires/);
  } finally {
    await server.close();
  }
});

Deno.test("a read-only token reads everything its account may and changes nothing", async () => {
  const server = await apiServer();
  try {
    const owner = await server.user("owner");
    const website = await owner.api.website.create.mutate({ url: "https://example.com/" });
    const reader = await owner.api.apiToken.create.mutate({ name: "Grafana", readOnly: true });
    const writer = await owner.api.apiToken.create.mutate({ name: "Deploy" });
    assert.deepEqual(
      (await owner.api.apiToken.list.query()).map((t) => [t.name, t.readOnly]).sort(),
      [["Deploy", false], ["Grafana", true]],
    );
    const call = (path: string, token: string, body?: unknown) =>
      fetch(`${server.url}/api/trpc/${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const listed = await call("website.list", reader.token);
    assert.equal(listed.status, 200);
    assert.equal((await listed.json()).result.data[0].id, website.id);
    const got = await call(`website.get?input=${JSON.stringify({ id: website.id })}`, reader.token);
    assert.equal(got.status, 200);
    await got.body?.cancel();

    const changes: [string, unknown][] = [
      ["website.create", { url: "https://example.org/" }],
      ["website.setActive", { id: website.id, active: false }],
      ["website.delete", { id: website.id }],
      ["maintenance.create", {
        title: "Deploy",
        startsAt: Date.now(),
        endsAt: Date.now() + 600_000,
        websiteIds: [website.id],
      }],
    ];
    for (const [path, body] of changes) {
      const refused = await call(path, reader.token, body);
      assert.equal(refused.status, 403, path);
      const { error } = await refused.json();
      assert.equal(error.data.code, "FORBIDDEN");
      assert.equal(
        error.message,
        "This API token is read-only; create one that may change things",
      );
    }
    const [still] = await owner.api.website.list.query();
    assert.deepEqual([still.id, still.active], [website.id, true]);
    assert.deepEqual(await owner.api.maintenance.list.query(), []);

    // A token that may change things still does.
    const paused = await call("website.setActive", writer.token, { id: website.id, active: false });
    assert.equal(paused.status, 200);
    await paused.body?.cancel();
    assert.equal((await owner.api.website.get.query({ id: website.id })).active, false);
    assert.match(
      await errorMessage(
        owner.api.apiToken.create.mutate({ name: "x", readOnly: "yes" as unknown as boolean }),
      ),
      /^BAD_REQUEST: readOnly: expected true or false/,
    );
  } finally {
    await server.close();
  }
});
