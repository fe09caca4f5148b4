import assert from "node:assert/strict";
import { apiServer, errorCode, errorMessage } from "../helpers/api.ts";

/** Whether the publisher would pick the website up now. */
async function due(server: Awaited<ReturnType<typeof apiServer>>, id: string) {
  const [row] = await server.bed.pg.sql`
    select next_check_at <= now() as due from websites where id = ${id}`;
  return row.due as boolean;
}

async function postpone(server: Awaited<ReturnType<typeof apiServer>>, id: string) {
  await server.bed.pg.sql`
    update websites set next_check_at = now() + interval '1 hour' where id = ${id}`;
}

Deno.test("create, list, get, update, pause, resume and delete a website", async () => {
  const server = await apiServer({
    REGIONS: "ams,iad",
    REGION: "ams",
    PUBLISH_INTERVAL_MS: "180000",
    CHECK_TIMEOUT_MS: "10000",
  });
  try {
    const { api } = await server.user();
    const before = Date.now();
    const created = await api.website.create.mutate({ url: "https://example.com/health" });
    assert.deepEqual({ ...created, id: "", createdAt: 0, updatedAt: 0 }, {
      id: "",
      url: "https://example.com/health",
      name: null,
      method: "GET",
      headers: {},
      headersProblem: null,
      bodyProblem: null,
      body: null,
      intervalSeconds: 180, // the deployment's defaults, effective
      timeoutMs: 10_000,
      regions: ["ams", "iad"],
      expectedStatus: null,
      keyword: null,
      confirmations: 2, // a region fails after two failed checks in a row
      quorum: "half",
      notificationIds: null, // every channel of the account
      type: "http",
      tags: [],
      forbiddenKeyword: null,
      jsonPath: null,
      jsonExpected: null,
      degradedMs: null,
      certExpiryWarnDays: 14,
      remindEveryMinutes: null, // one alert per incident
      escalation: null, // nobody further
      heartbeat: null,
      active: true,
      createdAt: 0,
      updatedAt: 0,
    });
    // Checked right away.
    assert.ok(await due(server, created.id));
    assert.ok(created.createdAt >= before - 5_000);

    const full = await api.website.create.mutate({
      url: "http://api.example.com/v1/ping?x=1",
      name: "API",
      method: "POST",
      headers: { "X-Probe": "1", authorization: "Bearer abc" },
      body: '{"ping":true}',
      intervalSeconds: 60,
      timeoutMs: 5_000,
      regions: ["iad"],
      expectedStatus: 204,
      keyword: "pong",
      confirmations: 3,
      quorum: "all",
    });
    assert.equal(full.method, "POST");
    assert.equal(full.confirmations, 3);
    assert.equal(full.quorum, "all");
    assert.deepEqual(full.headers, { "X-Probe": "1", authorization: "Bearer abc" });
    assert.equal(full.intervalSeconds, 60);
    assert.deepEqual(full.regions, ["iad"]);

    assert.deepEqual((await api.website.list.query()).map((w) => w.id), [created.id, full.id]);
    assert.deepEqual(await api.website.get.query({ id: full.id }), full);

    // A change that keeps URL and interval keeps the schedule.
    await postpone(server, full.id);
    const renamed = await api.website.update.mutate({ id: full.id, name: "Public API" });
    assert.equal(renamed.name, "Public API");
    assert.equal(renamed.keyword, "pong");
    assert.equal(renamed.confirmations, 3);
    const alerting = await api.website.update.mutate({
      id: full.id,
      confirmations: 1,
      quorum: "any",
    });
    assert.deepEqual([alerting.confirmations, alerting.quorum], [1, "any"]);
    assert.ok(renamed.updatedAt >= full.updatedAt);
    assert.ok(!await due(server, full.id));
    // A new interval is checked at once; null goes back to the default.
    const reset = await api.website.update.mutate({
      id: full.id,
      intervalSeconds: null,
      keyword: null,
      method: "GET",
      body: null,
    });
    assert.equal(reset.intervalSeconds, 180);
    assert.equal(reset.keyword, null);
    assert.ok(await due(server, full.id));
    // So is a new URL.
    await postpone(server, full.id);
    const moved = await api.website.update.mutate({ id: full.id, url: "https://example.org" });
    assert.equal(moved.url, "https://example.org/");
    assert.ok(await due(server, full.id));

    await postpone(server, full.id);
    assert.equal(
      (await api.website.setActive.mutate({ id: full.id, active: false })).active,
      false,
    );
    assert.ok(!await due(server, full.id));
    assert.equal((await api.website.setActive.mutate({ id: full.id, active: true })).active, true);
    assert.ok(await due(server, full.id));

    assert.deepEqual(await api.website.delete.mutate({ id: full.id }), { id: full.id });
    assert.equal(await errorCode(api.website.get.query({ id: full.id })), "NOT_FOUND");
    assert.equal(await errorCode(api.website.delete.mutate({ id: full.id })), "NOT_FOUND");
    assert.deepEqual((await api.website.list.query()).map((w) => w.id), [created.id]);
  } finally {
    await server.close();
  }
});

Deno.test("bad input is a 400 whose message names the field", async () => {
  const server = await apiServer({ REGIONS: "ams,iad", REGION: "ams", MIN_INTERVAL_SECONDS: "30" });
  try {
    const { api } = await server.user();
    const create = (input: Record<string, unknown>) =>
      // deno-lint-ignore no-explicit-any
      errorMessage(api.website.create.mutate({ url: "https://example.com", ...input } as any));
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ url: "ftp://example.com/file" }, /^BAD_REQUEST: url: only http:\/\/ and https:\/\//],
      [{ url: "not a url" }, /url: not a valid URL/],
      [{ url: `https://example.com/${"a".repeat(2048)}` }, /url: at most 2048 characters/],
      [{ url: "https://user:pw@example.com/" }, /url: credentials in the URL are not allowed/],
      [{ url: "" }, /url: required/],
      [{ url: 42 }, /url: expected a string/],
      [{ method: "TRACE" }, /method: expected one of GET, HEAD, POST/],
      [{ headers: { "bad name": "x" } }, /headers: "bad name" is not a header name/],
      [
        { headers: { "X-A": "a\r\nX-Injected: 1" } },
        /headers: the value of "X-A" may hold only printable ASCII characters \(found U\+000D\)/,
      ],
      // The checker could not send it, so the form refuses it rather than every check failing.
      [{ headers: { "X-Price": "5 €" } }, /headers: the value of "X-Price" .* \(found "€"\)/],
      [{ headers: { Host: "internal" } }, /headers: host, content-length/],
      [
        { headers: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`X-${i}`, "v"])) },
        /headers: at most 20/,
      ],
      [{ method: "POST", body: "x".repeat(64 * 1024 + 1) }, /body: at most 64 KiB/],
      [{ body: "hello" }, /body: not allowed with GET/],
      [{ intervalSeconds: 10 }, /intervalSeconds: at least 30/],
      [{ intervalSeconds: 86_401 }, /intervalSeconds: at most 86400/],
      [{ intervalSeconds: 60.5 }, /intervalSeconds: expected a whole number/],
      [{ timeoutMs: 999 }, /timeoutMs: at least 1000/],
      [{ timeoutMs: 60_001 }, /timeoutMs: at most 60000/],
      [{ regions: [] }, /regions: at least one region/],
      [{ regions: ["ams", "ams"] }, /regions: listed twice/],
      [{ regions: ["mars"] }, /regions: unknown region "mars"; available: ams, iad/],
      [{ expectedStatus: 99 }, /expectedStatus: at least 100/],
      [{ expectedStatus: 600 }, /expectedStatus: at most 599/],
      [{ keyword: "k".repeat(257) }, /keyword: at most 256 characters/],
      [{ confirmations: 0 }, /confirmations: at least 1/],
      [{ confirmations: 11 }, /confirmations: at most 10/],
      [{ confirmations: 1.5 }, /confirmations: expected a whole number/],
      [{ quorum: "most" }, /quorum: expected one of any, half, all/],
      [{ interval: 60 }, /Unrecognized key: "interval"/],
    ];
    for (const [input, expected] of cases) {
      const message = await create(input);
      assert.match(message, /^BAD_REQUEST: /, `${JSON.stringify(input).slice(0, 80)}: ${message}`);
      assert.match(message, expected, `${JSON.stringify(input).slice(0, 80)}: ${message}`);
    }
    const site = await api.website.create.mutate({ url: "https://example.com" });
    assert.match(
      await errorMessage(api.website.update.mutate({ id: site.id, intervalSeconds: 5 })),
      /intervalSeconds: at least 30/,
    );
    assert.match(
      await errorMessage(api.website.update.mutate({ id: site.id, body: "x" })),
      /body: not allowed with GET/,
    );
    assert.match(
      await errorMessage(api.website.get.query({ id: "nope" })),
      /id: not a valid website id/,
    );
    assert.match(
      // deno-lint-ignore no-explicit-any
      await errorMessage(api.website.metrics.query({ id: site.id, range: "1y" as any })),
      /range: expected one of 24h, 7d, 30d, 90d/,
    );
    assert.match(
      await errorMessage(api.website.checks.query({ id: site.id, limit: 201 })),
      /limit: at most 200/,
    );
  } finally {
    await server.close();
  }
});

Deno.test("with the SSRF guard on, private targets are refused at create and update, saying why", async () => {
  const server = await apiServer({ ALLOW_PRIVATE_TARGETS: "false" });
  try {
    const { api } = await server.user();
    const refused: [string, RegExp][] = [
      [
        "http://127.0.0.1/",
        /^BAD_REQUEST: url: 127\.0\.0\.1 is a loopback address \(only public addresses are allowed; a self-hosted installation allows private ones with ALLOW_PRIVATE_TARGETS=true\)$/,
      ],
      ["http://10.0.0.1:8080/admin", /url: 10\.0\.0\.1 is a private address/],
      ["http://169.254.169.254/latest/meta-data/", /url: 169\.254\.169\.254 is the cloud metadata/],
      ["http://[::1]/", /url: ::1 is a loopback address/],
      ["http://2130706433/", /url: 127\.0\.0\.1 is a loopback address/],
      ["http://[::ffff:127.0.0.1]/", /url: ::ffff:7f00:1 is a loopback address/],
      [
        "http://localhost:8000/",
        /url: localhost resolves to a loopback address/,
      ],
      ["https://does-not-exist.invalid/", /url: host does not resolve/],
    ];
    for (const [url, expected] of refused) {
      assert.match(await errorMessage(api.website.create.mutate({ url })), expected, url);
    }
    assert.deepEqual(await api.website.list.query(), []);

    // A public address literal needs no DNS and is accepted; moving it inward is not.
    const site = await api.website.create.mutate({ url: "http://93.184.215.14/" });
    for (const [url, expected] of refused.slice(0, 4)) {
      assert.match(await errorMessage(api.website.update.mutate({ id: site.id, url })), expected);
    }
    assert.equal((await api.website.get.query({ id: site.id })).url, "http://93.184.215.14/");
  } finally {
    await server.close();
  }
});

Deno.test("a user may have at most WEBSITES_PER_USER websites, even creating them at once", async () => {
  const server = await apiServer({ WEBSITES_PER_USER: "3" });
  try {
    const { api } = await server.user();
    const results = await Promise.allSettled(
      Array.from(
        { length: 6 },
        (_, i) => api.website.create.mutate({ url: `https://e${i}.example` }),
      ),
    );
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 3);
    const message = await errorMessage(api.website.create.mutate({ url: "https://more.example" }));
    assert.match(message, /^FORBIDDEN: You have reached the limit of 3 websites/);
    // The limit is per user.
    const other = await server.user("other");
    await other.api.website.create.mutate({ url: "https://other.example" });
  } finally {
    await server.close();
  }
});

Deno.test("another user's website is NOT_FOUND everywhere; anonymous callers are UNAUTHORIZED", async () => {
  const server = await apiServer();
  try {
    const owner = await server.user("owner");
    const site = await owner.api.website.create.mutate({ url: "https://example.com" });
    const intruder = await server.user("intruder");
    const id = site.id;
    const calls = (api: typeof intruder.api) => ({
      get: () => api.website.get.query({ id }),
      update: () => api.website.update.mutate({ id, name: "mine now" }),
      updateUrl: () => api.website.update.mutate({ id, url: "https://evil.example" }),
      setActive: () => api.website.setActive.mutate({ id, active: false }),
      metrics: () => api.website.metrics.query({ id, range: "24h" }),
      checks: () => api.website.checks.query({ id }),
      delete: () => api.website.delete.mutate({ id }),
    });
    for (const [name, call] of Object.entries(calls(intruder.api))) {
      assert.equal(await errorCode(call()), "NOT_FOUND", name);
    }
    // Same answer as for an id that does not exist: existence does not leak.
    assert.equal(
      await errorMessage(intruder.api.website.get.query({ id: crypto.randomUUID() })),
      await errorMessage(intruder.api.website.get.query({ id })),
    );
    assert.deepEqual(await intruder.api.website.list.query(), []);

    const anonymous = server.client().api;
    for (const [name, call] of Object.entries(calls(anonymous))) {
      assert.equal(await errorCode(call()), "UNAUTHORIZED", name);
    }
    assert.equal(await errorCode(anonymous.website.list.query()), "UNAUTHORIZED");
    assert.equal(
      await errorCode(anonymous.website.create.mutate({ url: "https://example.com" })),
      "UNAUTHORIZED",
    );
    // Nothing changed.
    assert.deepEqual(await owner.api.website.get.query({ id }), site);
  } finally {
    await server.close();
  }
});

Deno.test("website.bulk pauses, resumes and deletes many monitors at once, only the caller's", async () => {
  const server = await apiServer();
  try {
    const owner = await server.user("owner");
    const other = await server.user("other");
    const create = (name: string) =>
      owner.api.website.create.mutate({ url: "https://example.com/", name });
    const [a, b, c] = [await create("A"), await create("B"), await create("C")];
    const theirs = await other.api.website.create.mutate({ url: "https://example.com/" });
    // B is down: pausing it can resolve its incident, as the list's bulk pause offers.
    await server.bed.pg.sql`
      insert into incidents (website_id, started_at, cause_error_kind, cause_error_message,
        cause_http_status, regions, total_regions)
      values (${b.id}, now() - interval '5 minutes', 'status', 'expected 2xx or 3xx, got 503',
        503, ${["local"]}, 1)`;
    const active = async () =>
      Object.fromEntries(
        (await owner.api.website.list.query()).map((w) => [w.name, w.active]),
      );

    const paused = await owner.api.website.bulk.mutate({
      action: "pause",
      ids: [a.id, b.id, theirs.id, a.id],
      resolveIncidents: true,
    });
    assert.deepEqual(paused, { ids: [a.id, b.id], resolvedIncidents: 1 });
    assert.deepEqual(await active(), { A: false, B: false, C: true });
    const [incident] = (await owner.api.incident.list.query({ websiteId: b.id })).incidents;
    assert.notEqual(incident.resolvedAt, null);
    assert.equal((await other.api.website.get.query({ id: theirs.id })).active, true);

    assert.deepEqual(
      await owner.api.website.bulk.mutate({ action: "resume", ids: [a.id, b.id] }),
      { ids: [a.id, b.id], resolvedIncidents: 0 },
    );
    assert.ok(await due(server, a.id), "resumed monitors are checked at once");
    await owner.api.website.bulk.mutate({ action: "delete", ids: [a.id, c.id, theirs.id] });
    assert.deepEqual(await active(), { B: true });
    assert.equal((await other.api.website.list.query()).length, 1);

    for (
      const [input, said] of [
        [{ action: "pause", ids: [] }, "ids: at least one website id"],
        [{ action: "stop", ids: [b.id] }, 'action: expected "pause", "resume" or "delete"'],
        [{ action: "pause", ids: ["nope"] }, "ids.0: not a valid website id"],
        [
          { action: "pause", ids: Array.from({ length: 101 }, () => crypto.randomUUID()) },
          "ids: at most 100 at a time",
        ],
        [{ action: "pause", ids: [b.id], force: true }, 'Unrecognized key: "force"'],
      ] as const
    ) {
      assert.equal(
        await errorMessage(owner.api.website.bulk.mutate(input as never)),
        `BAD_REQUEST: ${said}`,
      );
    }
  } finally {
    await server.close();
  }
});
