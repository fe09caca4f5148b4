import assert from "node:assert/strict";
import { apiServer, errorCode, errorMessage } from "../helpers/api.ts";
import { startFlyStandIn } from "../helpers/fly_stand_in.ts";
import { flyCertificates } from "../../services/status_domains/fly_certificates.ts";
import { DomainError } from "../../services/errors.ts";

const NO_FLY = { FLY_API_TOKEN: "", FLY_APP_NAME: "", APP_URL: "https://uptime.example.net" };

/** Runs `body` with console output captured, and returns what was written. */
async function capturingLogs(body: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const { log, error, warn } = console;
  const capture = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  console.log = console.error = console.warn = capture;
  try {
    await body();
  } finally {
    Object.assign(console, { log, error, warn });
  }
  return lines.join("\n");
}

Deno.test("with Fly: add requests a certificate, verify follows it to issued, remove deletes it there", async () => {
  const fly = startFlyStandIn();
  const server = await apiServer(fly.env);
  try {
    const ada = await server.user("ada");
    const page = await ada.api.statusPage.create.mutate({
      slug: "acme",
      title: "Acme",
      websiteIds: [],
    });
    const added = await ada.api.statusDomain.add.mutate({
      statusPageId: page.id,
      hostname: " Status.Acme.COM. ",
    });
    assert.equal(added.domain.hostname, "status.acme.com");
    assert.equal(added.domain.certificateState, "pending");
    assert.ok(added.domain.lastCheckedAt);
    assert.deepEqual(fly.requests.map((r) => [r.method, r.path, r.authorized, r.body]), [
      ["POST", "/v1/apps/uptime-test/certificates/acme", true, { hostname: "status.acme.com" }],
    ]);
    const records = added.dns.records.map((r) => [r.type, r.name, r.value, r.purpose]);
    assert.deepEqual(records.slice(0, 3), [
      ["CNAME", "status.acme.com", "uptime-test.fly.dev", "traffic"],
      ["A", "status.acme.com", "137.66.1.23", "traffic-apex"],
      ["AAAA", "status.acme.com", "2a09:8280:1::4f:1a2b", "traffic-apex"],
    ]);
    const challenge = added.dns.records.find((r) => r.purpose === "acme-challenge");
    assert.equal(challenge?.type, "CNAME");
    assert.equal(challenge?.name, "_acme-challenge.status.acme.com");
    assert.match(challenge!.value, /^status\.acme\.com\.\w+\.flydns\.net$/);

    const pending = await ada.api.statusDomain.verify.mutate({ id: added.domain.id });
    assert.equal(pending.domain.certificateState, "pending");
    assert.deepEqual(pending.dns, added.dns);
    assert.deepEqual(
      fly.requests.at(-1)!.path,
      "/v1/apps/uptime-test/certificates/status.acme.com/check",
    );

    fly.issue("status.acme.com");
    const issued = await ada.api.statusDomain.verify.mutate({ id: added.domain.id });
    assert.equal(issued.domain.certificateState, "issued");
    assert.ok(issued.domain.lastCheckedAt! >= pending.domain.lastCheckedAt!);
    assert.deepEqual(
      (await ada.api.statusDomain.list.query({ statusPageId: page.id }))
        .map((d) => [d.hostname, d.certificateState]),
      [["status.acme.com", "issued"]],
    );

    const removed = await ada.api.statusDomain.remove.mutate({ id: added.domain.id });
    assert.deepEqual(removed, { id: added.domain.id });
    assert.deepEqual(fly.requests.at(-1)!.method, "DELETE");
    assert.deepEqual(fly.hostnames(), []);
    assert.deepEqual(await ada.api.statusDomain.list.query({ statusPageId: page.id }), []);
    assert.ok(fly.requests.every((r) => r.authorized));

    // Deleting a page releases its domains' certificates too.
    await ada.api.statusDomain.add.mutate({ statusPageId: page.id, hostname: "www.acme.com" });
    assert.deepEqual(fly.hostnames(), ["www.acme.com"]);
    await ada.api.statusPage.delete.mutate({ id: page.id });
    assert.deepEqual(fly.hostnames(), []);

    const everything = JSON.stringify([added, pending, issued, removed]);
    assert.ok(!everything.includes(fly.token));
  } finally {
    await server.close();
    await fly.close();
  }
});

Deno.test("Fly's 429s (with Retry-After) and 5xx answers are retried with backoff", async () => {
  const fly = startFlyStandIn();
  const server = await apiServer(fly.env);
  try {
    const ada = await server.user("ada");
    const page = await ada.api.statusPage.create.mutate({
      slug: "acme",
      title: "A",
      websiteIds: [],
    });

    fly.failNext(2, { status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    const added = await ada.api.statusDomain.add.mutate({
      statusPageId: page.id,
      hostname: "status.acme.com",
    });
    assert.ok(Date.now() - started >= 1_900, "waited as long as Retry-After asked, twice");
    assert.equal(added.domain.certificateState, "pending");
    assert.equal(fly.requests.length, 3);
    assert.deepEqual(fly.hostnames(), ["status.acme.com"]);

    fly.failNext(2, { status: 503 });
    fly.issue("status.acme.com");
    const verified = await ada.api.statusDomain.verify.mutate({ id: added.domain.id });
    assert.equal(verified.domain.certificateState, "issued");
    assert.equal(fly.requests.length, 6);
  } finally {
    await server.close();
    await fly.close();
  }
});

Deno.test("Fly failing for good is a clear BAD_GATEWAY: nothing half-made, no token anywhere", async () => {
  const fly = startFlyStandIn();
  const server = await apiServer(fly.env);
  try {
    const ada = await server.user("ada");
    const page = await ada.api.statusPage.create.mutate({
      slug: "acme",
      title: "A",
      websiteIds: [],
    });
    let message = "";
    const logs = await capturingLogs(async () => {
      fly.failNext(3, { status: 500, error: `vault unavailable for Bearer ${fly.token}` });
      message = await errorMessage(
        ada.api.statusDomain.add.mutate({ statusPageId: page.id, hostname: "status.acme.com" }),
      );
    });
    assert.equal(
      message,
      "BAD_GATEWAY: Fly: vault unavailable for Bearer [redacted] (HTTP 500), after 3 attempts",
    );
    assert.equal(fly.requests.length, 3);
    assert.ok(!logs.includes(fly.token), "the token reached a log line");
    assert.match(logs, /fly\.attempt_failed/);
    // The domain was not kept, so adding it again is a clean retry.
    assert.deepEqual(await ada.api.statusDomain.list.query({ statusPageId: page.id }), []);

    // A refusal (422) is not retried, and says what Fly said.
    fly.rejectNext("Hostname 'status.acme.com' is already in use by another app");
    assert.equal(
      await errorMessage(
        ada.api.statusDomain.add.mutate({ statusPageId: page.id, hostname: "status.acme.com" }),
      ),
      "BAD_GATEWAY: Fly: Hostname 'status.acme.com' is already in use by another app",
    );
    assert.equal(fly.requests.length, 4);

    // Over HTTP it is a 502, not a 500.
    fly.failNext(3, { status: 502 });
    const raw = await ada.fetch(`${server.url}/api/trpc/statusDomain.add`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ statusPageId: page.id, hostname: "status.acme.com" }),
    });
    assert.equal(raw.status, 502);
    const body = await raw.text();
    assert.match(body, /Fly: internal server error \(HTTP 502\), after 3 attempts/);
    assert.ok(!body.includes(fly.token));

    // When removal cannot reach Fly, the domain stays, so the certificate is not orphaned.
    const added = await ada.api.statusDomain.add.mutate({
      statusPageId: page.id,
      hostname: "status.acme.com",
    });
    fly.failNext(3, { status: 503 });
    assert.equal(
      await errorCode(ada.api.statusDomain.remove.mutate({ id: added.domain.id })),
      "BAD_GATEWAY",
    );
    assert.equal((await ada.api.statusDomain.list.query({ statusPageId: page.id })).length, 1);
    await ada.api.statusDomain.remove.mutate({ id: added.domain.id });
    assert.deepEqual(fly.hostnames(), []);
  } finally {
    await server.close();
    await fly.close();
  }
});

Deno.test("a token Fly refuses is reported as such, without the token", async () => {
  const fly = startFlyStandIn();
  const server = await apiServer({ ...fly.env, FLY_API_TOKEN: "fo1_wrong-token-value" });
  try {
    const ada = await server.user("ada");
    const page = await ada.api.statusPage.create.mutate({
      slug: "acme",
      title: "A",
      websiteIds: [],
    });
    const message = await errorMessage(
      ada.api.statusDomain.add.mutate({ statusPageId: page.id, hostname: "status.acme.com" }),
    );
    assert.equal(
      message,
      "BAD_GATEWAY: Fly: the API token was refused (check FLY_API_TOKEN and FLY_APP_NAME)",
    );
    assert.deepEqual(fly.requests.map((r) => r.authorized), [false]);
  } finally {
    await server.close();
    await fly.close();
  }
});

Deno.test("without Fly configured, a domain is stored as manual with the same DNS instructions", async () => {
  const server = await apiServer(NO_FLY);
  try {
    const ada = await server.user("ada");
    const page = await ada.api.statusPage.create.mutate({
      slug: "acme",
      title: "A",
      websiteIds: [],
    });
    const added = await ada.api.statusDomain.add.mutate({
      statusPageId: page.id,
      hostname: "status.acme.com",
    });
    assert.equal(added.domain.certificateState, "manual");
    assert.equal(added.domain.lastCheckedAt, null);
    assert.deepEqual(added.dns.records, [
      { type: "CNAME", name: "status.acme.com", value: "uptime.example.net", purpose: "traffic" },
    ]);
    assert.match(added.dns.note, /FLY_API_TOKEN/);
    const verified = await ada.api.statusDomain.verify.mutate({ id: added.domain.id });
    assert.equal(verified.domain.certificateState, "manual");
    assert.ok(verified.domain.lastCheckedAt);
    assert.deepEqual(verified.dns, added.dns);
    await ada.api.statusDomain.remove.mutate({ id: added.domain.id });
    assert.deepEqual(await ada.api.statusDomain.list.query({ statusPageId: page.id }), []);
  } finally {
    await server.close();
  }
});

Deno.test("hostnames are normalised, must be domain names, not the app's host, and unique", async () => {
  const server = await apiServer(NO_FLY);
  try {
    const ada = await server.user("ada");
    const bob = await server.user("bob");
    const page = await ada.api.statusPage.create.mutate({
      slug: "acme",
      title: "A",
      websiteIds: [],
    });
    const other = await ada.api.statusPage.create.mutate({
      slug: "acme-2",
      title: "B",
      websiteIds: [],
    });
    const bobs = await bob.api.statusPage.create.mutate({
      slug: "bob",
      title: "B",
      websiteIds: [],
    });
    const add = (hostname: string, statusPageId = page.id, who = ada) =>
      who.api.statusDomain.add.mutate({ statusPageId, hostname });

    const bad: [string, RegExp][] = [
      ["", /hostname: must not be empty/],
      ["192.168.1.10", /hostname: an IP address/],
      ["169.254.169.254.", /hostname: an IP address/],
      ["::1", /hostname: an IP address/],
      ["[2001:db8::1]", /hostname: an IP address/],
      ["2001:db8::1", /hostname: an IP address/],
      ["localhost", /hostname: needs at least two labels/],
      ["com", /hostname: needs at least two labels/],
      ["a..example.com", /not a valid label/],
      ["-bad.example.com", /not a valid label/],
      ["bad-.example.com", /not a valid label/],
      ["exa_mple.com", /not a valid label/],
      ["https://status.acme.com", /not a valid label/],
      ["status.acme.com/path", /not a valid label/],
      ["<b>x</b>.com", /not a valid label/],
      [`${"a".repeat(64)}.example.com`, /each label .* at most 63 characters/],
      [`${"abcdefghi.".repeat(25)}co.uk`, /hostname: at most 253 characters/],
      ["status.123", /the last label cannot be all digits/],
      ["Uptime.Example.NET.", /hostname: this is the app's own host/],
    ];
    for (const [hostname, message] of bad) {
      const error = await errorMessage(add(hostname));
      assert.match(error, /^BAD_REQUEST: /, hostname);
      assert.match(error, message, hostname);
    }

    assert.equal((await add("STATUS.Acme.com.")).domain.hostname, "status.acme.com");
    assert.equal(
      (await add("status.uptime.example.net")).domain.hostname,
      "status.uptime.example.net",
    );
    assert.equal((await add("Bücher.example")).domain.hostname, "xn--bcher-kva.example");
    assert.equal(
      await errorMessage(add("status.acme.com", other.id)),
      "CONFLICT: hostname: status.acme.com is already in use by a status page",
    );
    assert.equal(await errorCode(add("status.ACME.com.", bobs.id, bob)), "CONFLICT");
  } finally {
    await server.close();
  }
});

Deno.test("another user's pages and domains are NOT_FOUND; anonymous callers are UNAUTHORIZED", async () => {
  const server = await apiServer(NO_FLY);
  try {
    const ada = await server.user("ada");
    const bob = await server.user("bob");
    const page = await ada.api.statusPage.create.mutate({
      slug: "acme",
      title: "A",
      websiteIds: [],
    });
    const { domain } = await ada.api.statusDomain.add.mutate({
      statusPageId: page.id,
      hostname: "status.acme.com",
    });
    const codes = await Promise.all([
      errorCode(bob.api.statusDomain.add.mutate({ statusPageId: page.id, hostname: "x.acme.com" })),
      errorCode(bob.api.statusDomain.list.query({ statusPageId: page.id })),
      errorCode(bob.api.statusDomain.verify.mutate({ id: domain.id })),
      errorCode(bob.api.statusDomain.remove.mutate({ id: domain.id })),
    ]);
    assert.deepEqual(codes, Array(4).fill("NOT_FOUND"));
    const anonymous = server.client().api;
    const anonymousCodes = await Promise.all([
      errorCode(
        anonymous.statusDomain.add.mutate({ statusPageId: page.id, hostname: "x.acme.com" }),
      ),
      errorCode(anonymous.statusDomain.list.query({ statusPageId: page.id })),
      errorCode(anonymous.statusDomain.verify.mutate({ id: domain.id })),
      errorCode(anonymous.statusDomain.remove.mutate({ id: domain.id })),
    ]);
    assert.deepEqual(anonymousCodes, Array(4).fill("UNAUTHORIZED"));
    assert.deepEqual(
      (await ada.api.statusDomain.list.query({ statusPageId: page.id })).map((d) => d.hostname),
      ["status.acme.com"],
    );
  } finally {
    await server.close();
  }
});

Deno.test("a Fly call that hangs is cut off by its timeout and retried", async () => {
  let calls = 0;
  const hanging = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async () => {
    calls++;
    await new Promise((resolve) => setTimeout(resolve, 600));
    return new Response("{}");
  });
  try {
    const fly = flyCertificates(
      {
        apiToken: "fo1_secret",
        appName: "uptime-test",
        apiUrl: `http://127.0.0.1:${hanging.addr.port}`,
      },
      { attempts: 2, timeoutMs: 100, baseDelayMs: 10 },
    );
    const started = Date.now();
    await assert.rejects(fly.request("status.acme.com"), (error: Error) => {
      assert.ok(error instanceof DomainError);
      assert.equal(error.code, "BAD_GATEWAY");
      assert.equal(error.message, "Fly: no answer within 0.1 s, after 2 attempts");
      return true;
    });
    assert.ok(Date.now() - started < 500);
    assert.equal(calls, 2);
  } finally {
    await hanging.shutdown();
  }
});
