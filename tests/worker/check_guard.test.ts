/**
 * The SSRF guard, end to end: blocked targets are reported as "blocked" and the
 * listener at the refused address never sees a connection. Addresses outside loopback
 * (10.0.0.1, 169.254.169.254) are only ever refused, never contacted.
 */
import assert from "node:assert/strict";
import { blockReason } from "../../lib/address_policy.ts";
import { type CheckOptions, runCheck } from "../../worker/check/mod.ts";
import { checkRequest, startListener, startServer } from "./check_servers.ts";

const guarded: CheckOptions = { allowPrivateTargets: false };

// 127.0.0.2 plays "a public website" so that a redirect from it can be tested against
// the real rule for everything else, 127.0.0.1 included.
const publicLoopback: CheckOptions = {
  allowPrivateTargets: false,
  addressRule: (ip) => ip === "127.0.0.2" ? null : blockReason(ip),
};

Deno.test("literal private addresses in the URL are blocked before any connection", async () => {
  const v4 = startListener("127.0.0.1");
  const v6 = startListener("::1");
  try {
    const cases: [string, RegExp][] = [
      [`http://127.0.0.1:${v4.port}/`, /^blocked: 127\.0\.0\.1 is a loopback address$/],
      // URL parsing turns the decimal and hex forms into 127.0.0.1.
      [`http://2130706433:${v4.port}/`, /^blocked: 127\.0\.0\.1 is a loopback address$/],
      [`http://0x7f.0.0.1:${v4.port}/`, /^blocked: 127\.0\.0\.1 is a loopback address$/],
      [`http://[::1]:${v6.port}/`, /^blocked: ::1 is a loopback address$/],
      [`http://[::ffff:127.0.0.1]:${v4.port}/`, /loopback address \(IPv4-mapped\)$/],
    ];
    for (const [url, message] of cases) {
      const result = await runCheck(checkRequest(url), guarded);
      assert.equal(result.outcome, "down", url);
      assert.equal(result.errorKind, "blocked", url);
      assert.equal(result.httpStatus, 0);
      assert.match(result.errorMessage, message);
    }
    assert.equal(v4.connections, 0);
    assert.equal(v6.connections, 0);
  } finally {
    await Promise.all([v4.close(), v6.close()]);
  }
});

Deno.test("private and metadata addresses are refused at once, without sending anything", async () => {
  const cases: [string, string][] = [
    ["http://10.0.0.1/", "blocked: 10.0.0.1 is a private address"],
    [
      "http://169.254.169.254/latest/meta-data/",
      "blocked: 169.254.169.254 is the cloud metadata address",
    ],
    ["http://[fd00:ec2::254]/", "blocked: fd00:ec2::254 is the cloud metadata address"],
    ["http://100.100.100.200/", "blocked: 100.100.100.200 is a carrier-grade NAT address"],
    ["https://192.168.1.1/", "blocked: 192.168.1.1 is a private address"],
  ];
  for (const [url, message] of cases) {
    // A timeout far away: "quickly" means the guard answered, not the network.
    const result = await runCheck(checkRequest(url, { timeoutMs: 30_000 }), guarded);
    assert.equal(result.errorKind, "blocked", url);
    assert.equal(result.errorMessage, message);
    assert.ok(result.responseMs < 100, `${url} took ${result.responseMs} ms`);
  }
});

Deno.test("a hostname that resolves to a private address is blocked", async () => {
  const listener = startListener("127.0.0.1");
  try {
    const loopbackOnly = await runCheck(checkRequest(`http://internal.test:${listener.port}/`), {
      ...guarded,
      resolve: () => Promise.resolve(["127.0.0.1"]),
    });
    assert.equal(loopbackOnly.errorKind, "blocked");
    assert.equal(
      loopbackOnly.errorMessage,
      "blocked: internal.test resolves to a loopback address",
    );

    // One private answer among public ones blocks the whole name.
    const mixed = await runCheck(checkRequest(`http://mixed.test:${listener.port}/`), {
      ...guarded,
      resolve: () => Promise.resolve(["1.1.1.1", "127.0.0.1"]),
    });
    assert.equal(mixed.errorKind, "blocked");
    assert.equal(listener.connections, 0);
  } finally {
    await listener.close();
  }
});

Deno.test("a redirect from an allowed target to 127.0.0.1 is blocked at that hop", async () => {
  const internal = startListener("127.0.0.1");
  const entry = startServer((_req, url) => {
    const location = url.pathname === "/by-name"
      ? `http://internal.test:${internal.port}/`
      : `http://127.0.0.1:${internal.port}/admin`;
    return new Response(null, { status: 302, headers: { location } });
  }, { hostname: "127.0.0.2" });
  try {
    const byAddress = await runCheck(checkRequest(`${entry.origin}/`), publicLoopback);
    assert.equal(byAddress.outcome, "down");
    assert.equal(byAddress.errorKind, "blocked");
    assert.equal(byAddress.errorMessage, "blocked: 127.0.0.1 is a loopback address");

    // Every hop resolves and vets again, so a redirect to a name is no way around it.
    const byName = await runCheck(checkRequest(`${entry.origin}/by-name`), {
      ...publicLoopback,
      resolve: (hostname) => Promise.resolve(hostname === "internal.test" ? ["127.0.0.1"] : []),
    });
    assert.equal(byName.errorKind, "blocked");

    assert.equal(entry.requests.length, 2, "the allowed first hop was reached");
    assert.equal(internal.connections, 0);
  } finally {
    await Promise.all([entry.close(), internal.close()]);
  }
});

Deno.test("the socket goes to the address that was vetted, so DNS rebinding cannot redirect it", async () => {
  const site = startServer(() => new Response("public site"), { hostname: "127.0.0.2" });
  // Same port on 127.0.0.1: a re-resolved connect would land here instead of failing.
  const internal = startListener("127.0.0.1", site.port);
  try {
    // A rebinding resolver: the first answer passes the guard, later answers point
    // inside. The request must use the first answer and never ask again.
    let lookups = 0;
    const result = await runCheck(
      checkRequest(`http://rebind.test:${site.port}/`, { keyword: "public" }),
      {
        ...publicLoopback,
        resolve: () => Promise.resolve(lookups++ === 0 ? ["127.0.0.2"] : ["127.0.0.1"]),
      },
    );
    assert.equal(result.outcome, "up", result.errorMessage);
    assert.equal(lookups, 1);
    assert.equal(site.requests[0].headers.get("host"), `rebind.test:${site.port}`);
    assert.equal(internal.connections, 0);
  } finally {
    await Promise.all([site.close(), internal.close()]);
  }
});

Deno.test("with ALLOW_PRIVATE_TARGETS the same loopback target is checked normally", async () => {
  const server = startServer(() => new Response("ok"));
  try {
    const result = await runCheck(checkRequest(server.origin), { allowPrivateTargets: true });
    assert.equal(result.outcome, "up");
    // addressRule only refines the guard; it cannot switch it back on.
    const stillOpen = await runCheck(checkRequest(server.origin), {
      allowPrivateTargets: true,
      addressRule: () => "refused",
    });
    assert.equal(stillOpen.outcome, "up");
  } finally {
    await server.close();
  }
});
