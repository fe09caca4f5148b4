import assert from "node:assert/strict";
import { apiServer, errorCode, errorMessage } from "../helpers/api.ts";
import { startFlyStandIn } from "../helpers/fly_stand_in.ts";
import { startDnsServer } from "../helpers/dns_server.ts";
import { getWithHost } from "../helpers/host_request.ts";
import { flyCertificates } from "../../services/status_domains/fly_certificates.ts";
import { DomainError } from "../../services/errors.ts";

const NO_FLY = { FLY_API_TOKEN: "", FLY_APP_NAME: "", APP_URL: "https://uptime.example.net" };

type Dns = Awaited<ReturnType<typeof startDnsServer>>;

/** The owner proves control the way the dashboard tells them: the TXT record with the token. */
function proveWithTxt(dns: Dns, domain: { hostname: string; verificationToken: string }) {
  dns.zone.set(`_uptime.${domain.hostname}`, { TXT: [domain.verificationToken] });
}

/** A page and a verified domain on it, with Fly's certificate requested by the verify. */
async function verifiedDomain(
  user: Awaited<ReturnType<Awaited<ReturnType<typeof apiServer>>["user"]>>,
  dns: Dns,
  hostname = "status.acme.com",
) {
  const page = await user.api.statusPage.create.mutate({
    slug: `p-${crypto.randomUUID().slice(0, 8)}`,
    title: "A",
    websiteIds: [],
  });
  const added = await user.api.statusDomain.add.mutate({ statusPageId: page.id, hostname });
  proveWithTxt(dns, added.domain);
  return { page, added };
}
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

Deno.test("with Fly: a claim asks nothing of Fly; once DNS proves it, verify requests the certificate and follows it to issued", async () => {
  const fly = startFlyStandIn();
  const dns = await startDnsServer();
  const server = await apiServer({ ...fly.env, ...dns.env });
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
    assert.equal(added.domain.verified, false);
    assert.equal(added.domain.certificateState, "pending");
    assert.match(added.domain.verificationToken, /^[0-9a-f]{32}$/);
    assert.deepEqual(added.dns.records.map((r) => [r.type, r.name, r.value, r.purpose]), [
      ["TXT", "_uptime.status.acme.com", added.domain.verificationToken, "ownership"],
      ["CNAME", "status.acme.com", "uptime-test.fly.dev", "traffic"],
    ]);
    assert.deepEqual(added.domain.dns, added.dns);
    assert.equal(fly.requests.length, 0, "only a verified hostname gets a certificate requested");

    // Nothing in DNS yet: not verified, and the problem is named.
    const early = await ada.api.statusDomain.verify.mutate({ id: added.domain.id });
    assert.equal(early.domain.verified, false);
    assert.match(early.problems.join(" "), /no TXT record _uptime\.status\.acme\.com/);
    assert.ok(early.domain.lastCheckedAt);
    assert.equal(fly.requests.length, 0);
    assert.ok(dns.queries.includes("_uptime.status.acme.com TXT"));

    proveWithTxt(dns, added.domain);
    const pending = await ada.api.statusDomain.verify.mutate({ id: added.domain.id });
    assert.equal(pending.domain.verified, true);
    assert.ok(pending.domain.verifiedAt);
    assert.equal(pending.domain.certificateState, "pending");
    assert.deepEqual(fly.requests.map((r) => [r.method, r.path, r.authorized]), [
      ["POST", "/v1/apps/uptime-test/certificates/status.acme.com/check", true],
      ["POST", "/v1/apps/uptime-test/certificates/acme", true],
    ]);
    assert.deepEqual(fly.requests[1].body, { hostname: "status.acme.com" });
    const records = pending.dns.records.map((r) => [r.type, r.name, r.value, r.purpose]);
    assert.deepEqual(records.slice(0, 4), [
      ["TXT", "_uptime.status.acme.com", added.domain.verificationToken, "ownership"],
      ["CNAME", "status.acme.com", "uptime-test.fly.dev", "traffic"],
      ["A", "status.acme.com", "137.66.1.23", "traffic-apex"],
      ["AAAA", "status.acme.com", "2a09:8280:1::4f:1a2b", "traffic-apex"],
    ]);
    const challenge = pending.dns.records.find((r) => r.purpose === "acme-challenge");
    assert.equal(challenge?.type, "CNAME");
    assert.equal(challenge?.name, "_acme-challenge.status.acme.com");
    assert.match(challenge!.value, /^status\.acme\.com\.\w+\.flydns\.net$/);

    const again = await ada.api.statusDomain.verify.mutate({ id: added.domain.id });
    assert.equal(again.domain.certificateState, "pending");
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
        .map((d) => [d.hostname, d.verified, d.certificateState, d.dns.records[0].value]),
      [["status.acme.com", true, "issued", added.domain.verificationToken]],
    );

    const removed = await ada.api.statusDomain.remove.mutate({ id: added.domain.id });
    assert.deepEqual(removed, { id: added.domain.id });
    assert.deepEqual(fly.requests.at(-1)!.method, "DELETE");
    assert.deepEqual(fly.hostnames(), []);
    assert.deepEqual(await ada.api.statusDomain.list.query({ statusPageId: page.id }), []);
    assert.ok(fly.requests.every((r) => r.authorized));

    // Deleting a page releases its verified domains' certificates too.
    const www = await ada.api.statusDomain.add.mutate({
      statusPageId: page.id,
      hostname: "www.acme.com",
    });
    proveWithTxt(dns, www.domain);
    await ada.api.statusDomain.verify.mutate({ id: www.domain.id });
    assert.deepEqual(fly.hostnames(), ["www.acme.com"]);
    await ada.api.statusPage.delete.mutate({ id: page.id });
    assert.deepEqual(fly.hostnames(), []);

    const everything = JSON.stringify([added, pending, issued, removed]);
    assert.ok(!everything.includes(fly.token));
  } finally {
    await server.close();
    await fly.close();
    await dns.close();
  }
});

Deno.test("Fly's 429s (with Retry-After) and 5xx answers are retried with backoff", async () => {
  const fly = startFlyStandIn();
  const dns = await startDnsServer();
  const server = await apiServer({ ...fly.env, ...dns.env });
  try {
    const ada = await server.user("ada");
    const { added } = await verifiedDomain(ada, dns);

    fly.failNext(2, { status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    const verified = await ada.api.statusDomain.verify.mutate({ id: added.domain.id });
    assert.ok(Date.now() - started >= 1_900, "waited as long as Retry-After asked, twice");
    assert.equal(verified.domain.certificateState, "pending");
    // Three tries of the check (404: Fly does not know it yet), then the request.
    assert.equal(fly.requests.length, 4);
    assert.deepEqual(fly.hostnames(), ["status.acme.com"]);

    fly.failNext(2, { status: 503 });
    fly.issue("status.acme.com");
    const issued = await ada.api.statusDomain.verify.mutate({ id: added.domain.id });
    assert.equal(issued.domain.certificateState, "issued");
    assert.equal(fly.requests.length, 7);
  } finally {
    await server.close();
    await fly.close();
    await dns.close();
  }
});

Deno.test("Fly failing for good is a clear BAD_GATEWAY: the domain stays, no token anywhere", async () => {
  const fly = startFlyStandIn();
  const dns = await startDnsServer();
  const server = await apiServer({ ...fly.env, ...dns.env });
  try {
    const ada = await server.user("ada");
    const { page, added } = await verifiedDomain(ada, dns);
    const verify = () => ada.api.statusDomain.verify.mutate({ id: added.domain.id });
    let message = "";
    const logs = await capturingLogs(async () => {
      fly.failNext(3, { status: 500, error: `vault unavailable for Bearer ${fly.token}` });
      message = await errorMessage(verify());
    });
    assert.equal(
      message,
      "BAD_GATEWAY: Fly: vault unavailable for Bearer [redacted] (HTTP 500), after 3 attempts",
    );
    assert.equal(fly.requests.length, 3);
    assert.ok(!logs.includes(fly.token), "the token reached a log line");
    assert.match(logs, /fly\.attempt_failed/);
    // The claim stays verified; verifying again is the retry.
    assert.deepEqual(
      (await ada.api.statusDomain.list.query({ statusPageId: page.id })).map((d) => d.verified),
      [true],
    );

    // A refusal (422) is not retried, and says what Fly said.
    fly.rejectNext("Hostname 'status.acme.com' is already in use by another app");
    assert.equal(
      await errorMessage(verify()),
      "BAD_GATEWAY: Fly: Hostname 'status.acme.com' is already in use by another app",
    );

    // Over HTTP it is a 502, not a 500.
    fly.failNext(3, { status: 502 });
    const raw = await ada.fetch(`${server.url}/api/trpc/statusDomain.verify`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id: added.domain.id }),
    });
    assert.equal(raw.status, 502);
    const body = await raw.text();
    assert.match(body, /Fly: internal server error \(HTTP 502\), after 3 attempts/);
    assert.ok(!body.includes(fly.token));

    // When removal cannot reach Fly, the domain stays, so the certificate is not orphaned.
    await verify();
    assert.deepEqual(fly.hostnames(), ["status.acme.com"]);
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
    await dns.close();
  }
});

Deno.test("a token Fly refuses is reported as such, without the token", async () => {
  const fly = startFlyStandIn();
  const dns = await startDnsServer();
  const server = await apiServer({
    ...fly.env,
    ...dns.env,
    FLY_API_TOKEN: "fo1_wrong-token-value",
  });
  try {
    const ada = await server.user("ada");
    const { added } = await verifiedDomain(ada, dns);
    const message = await errorMessage(
      ada.api.statusDomain.verify.mutate({ id: added.domain.id }),
    );
    assert.equal(
      message,
      "BAD_GATEWAY: Fly: the API token was refused (check FLY_API_TOKEN and FLY_APP_NAME)",
    );
    assert.deepEqual(fly.requests.map((r) => r.authorized), [false]);
  } finally {
    await server.close();
    await fly.close();
    await dns.close();
  }
});

Deno.test("without Fly configured, a CNAME to the app verifies a domain, whose certificate is manual", async () => {
  const dns = await startDnsServer();
  const server = await apiServer({ ...NO_FLY, ...dns.env });
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
    assert.equal(added.domain.verified, false);
    assert.equal(added.domain.lastCheckedAt, null);
    assert.deepEqual(added.dns.records, [
      {
        type: "TXT",
        name: "_uptime.status.acme.com",
        value: added.domain.verificationToken,
        purpose: "ownership",
      },
      { type: "CNAME", name: "status.acme.com", value: "uptime.example.net", purpose: "traffic" },
    ]);

    dns.zone.set("status.acme.com", { CNAME: "elsewhere.example.org" });
    const wrong = await ada.api.statusDomain.verify.mutate({ id: added.domain.id });
    assert.equal(wrong.domain.verified, false);
    assert.match(wrong.problems.join(" "), /CNAME for elsewhere\.example\.org/);

    dns.zone.set("status.acme.com", { CNAME: "uptime.example.net." });
    const verified = await ada.api.statusDomain.verify.mutate({ id: added.domain.id });
    assert.equal(verified.domain.verified, true);
    assert.equal(verified.domain.certificateState, "manual");
    assert.ok(verified.domain.lastCheckedAt);
    assert.match(verified.dns.note, /FLY_API_TOKEN/);
    await ada.api.statusDomain.remove.mutate({ id: added.domain.id });
    assert.deepEqual(await ada.api.statusDomain.list.query({ statusPageId: page.id }), []);
  } finally {
    await server.close();
    await dns.close();
  }
});

Deno.test("A records with the app's addresses verify an apex domain", async () => {
  const dns = await startDnsServer();
  const server = await apiServer({ ...NO_FLY, ...dns.env });
  try {
    const ada = await server.user("ada");
    const page = await ada.api.statusPage.create.mutate({
      slug: "acme",
      title: "A",
      websiteIds: [],
    });
    const { domain } = await ada.api.statusDomain.add.mutate({
      statusPageId: page.id,
      hostname: "acme.com",
    });
    dns.zone.set("uptime.example.net", { A: ["203.0.113.7"] });
    dns.zone.set("acme.com", { A: ["198.51.100.1"] });
    assert.equal(
      (await ada.api.statusDomain.verify.mutate({ id: domain.id })).domain.verified,
      false,
    );
    dns.zone.set("acme.com", { A: ["203.0.113.7"] });
    assert.equal(
      (await ada.api.statusDomain.verify.mutate({ id: domain.id })).domain.verified,
      true,
    );
  } finally {
    await server.close();
    await dns.close();
  }
});

Deno.test("two accounts claim the same hostname: the one that proves control wins", async () => {
  const dns = await startDnsServer();
  const server = await apiServer({ ...NO_FLY, ...dns.env });
  try {
    const ada = await server.user("ada");
    const mallory = await server.user("mallory");
    const adasPage = await ada.api.statusPage.create.mutate({
      slug: "acme",
      title: "A",
      websiteIds: [],
    });
    const theirs = await mallory.api.statusPage.create.mutate({
      slug: "squat",
      title: "M",
      websiteIds: [],
    });
    // Mallory claims first: the claim blocks nobody.
    const squat = await mallory.api.statusDomain.add.mutate({
      statusPageId: theirs.id,
      hostname: "status.acme.com",
    });
    const claim = await ada.api.statusDomain.add.mutate({
      statusPageId: adasPage.id,
      hostname: "status.acme.com",
    });
    assert.notEqual(claim.domain.verificationToken, squat.domain.verificationToken);

    // The domain points at the app, but with two claims that proves nothing about whose it is.
    dns.zone.set("status.acme.com", { CNAME: "uptime.example.net" });
    const tried = await mallory.api.statusDomain.verify.mutate({ id: squat.domain.id });
    assert.equal(tried.domain.verified, false);
    assert.match(tried.problems.join(" "), /another account claims it too/);

    proveWithTxt(dns, claim.domain);
    assert.equal(
      (await ada.api.statusDomain.verify.mutate({ id: claim.domain.id })).domain.verified,
      true,
    );
    assert.equal(
      (await mallory.api.statusDomain.verify.mutate({ id: squat.domain.id })).domain.verified,
      false,
    );
    const page = await getWithHost(server.url, "status.acme.com", "/");
    assert.equal(page.status, 200);
    assert.match(page.body, /<title>A status<\/title>/);

    // DNS changes hands: the new TXT owner takes the hostname over.
    proveWithTxt(dns, squat.domain);
    assert.equal(
      (await mallory.api.statusDomain.verify.mutate({ id: squat.domain.id })).domain.verified,
      true,
    );
    assert.deepEqual(
      (await ada.api.statusDomain.list.query({ statusPageId: adasPage.id })).map((d) => d.verified),
      [false],
    );
  } finally {
    await server.close();
    await dns.close();
  }
});

Deno.test("hostnames are normalised, must be domain names, not the app's host, once per page", async () => {
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
      ["exa_mple.com", /letters, digits, dashes and dots only, not "_"$/],
      ["https://status.acme.com", /only, not ":" or "\/"$/],
      ["status.acme.com/path", /only, not "\/"$/],
      ["<b>x</b>.com", /only, not "<" or ">" or "\/"$/],
      ["not a host!", /only, not spaces or "!"$/],
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
      await errorMessage(add("status.acme.com")),
      "CONFLICT: hostname: status.acme.com is already in use on this page",
    );
    // Claims on other pages, another account's too, are allowed: DNS decides (verify).
    assert.equal((await add("status.acme.com", other.id)).domain.verified, false);
    assert.equal((await add("status.ACME.com.", bobs.id, bob)).domain.verified, false);
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
