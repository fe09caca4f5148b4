/**
 * Part 2 of the checker: timing breakdown, certificate days left, keyword absence,
 * degraded responses, blocked ports and TCP monitors.
 */
import assert from "node:assert/strict";
import { blockReason } from "../../lib/address_policy.ts";
import { runCheck } from "../../worker/check/mod.ts";
import { runTcpCheck } from "../../worker/check/tcp.ts";
import { createAuthority } from "./certificates.ts";
import { checkRequest, freePort, startListener, startServer } from "./check_servers.ts";
import { startScriptedServer } from "./parity_servers.ts";

const open = { allowPrivateTargets: true };

Deno.test("every HTTP check reports its phases; an HTTPS check its certificate's days left", async () => {
  const authority = await createAuthority();
  const soon = await authority.issue(["cert.test"], { days: 5 });
  const plain = startServer(() => new Response("plain"));
  const secure = startServer(() => new Response("secure"), soon);
  try {
    const http = await runCheck(checkRequest(`${plain.origin}/`), open);
    assert.equal(http.outcome, "up");
    assert.equal(http.certDaysLeft, null);
    assert.equal(http.timings.tlsMs, 0);
    const { dnsMs, connectMs, ttfbMs } = http.timings;
    for (const ms of [dnsMs, connectMs, ttfbMs]) assert.ok(Number.isInteger(ms) && ms >= 0);
    assert.ok(dnsMs + connectMs + ttfbMs <= http.responseMs + 3, JSON.stringify(http));

    const https = await runCheck(checkRequest(`https://cert.test:${secure.port}/`), {
      ...open,
      resolve: () => Promise.resolve(["127.0.0.1"]),
      trustedCertificates: [authority.caCert],
    });
    assert.equal(https.outcome, "up", https.errorMessage);
    // Issued to expire in 5 days and an hour: the warning window (14 days) holds it.
    assert.equal(https.certDaysLeft, 5);
    assert.ok(https.timings.tlsMs >= 0);
  } finally {
    await Promise.all([plain.close(), secure.close()]);
    await authority.remove();
  }
});

Deno.test("a forbidden keyword in the body is down; its absence is up, alone or with a keyword", async () => {
  const server = startServer((_req, url) =>
    new Response(url.pathname === "/error" ? "Fatal error: database gone" : "All good, status ok")
  );
  try {
    const clean = await runCheck(
      checkRequest(`${server.origin}/`, { forbiddenKeyword: "Fatal error" }),
      open,
    );
    assert.equal(clean.outcome, "up", clean.errorMessage);

    const broken = await runCheck(
      checkRequest(`${server.origin}/error`, { forbiddenKeyword: "Fatal error" }),
      open,
    );
    assert.equal(broken.outcome, "down");
    assert.equal(broken.errorKind, "keyword");
    assert.equal(broken.errorMessage, "forbidden keyword found in response body");
    assert.equal(broken.httpStatus, 200);

    const both = await runCheck(
      checkRequest(`${server.origin}/`, { keyword: "status ok", forbiddenKeyword: "Fatal" }),
      open,
    );
    assert.equal(both.outcome, "up");
  } finally {
    await server.close();
  }
});

Deno.test("a forbidden keyword split across reads is still found", async () => {
  const server = startScriptedServer(() =>
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nFatal \r\n5\r\nerror\r\n0\r\n\r\n"
  );
  try {
    const result = await runCheck(
      checkRequest(`http://127.0.0.1:${server.port}/`, { forbiddenKeyword: "Fatal error" }),
      open,
    );
    assert.equal(result.errorMessage, "forbidden keyword found in response body");
  } finally {
    await server.close();
  }
});

Deno.test("an up check slower than degradedMs is degraded, not down", async () => {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => release = resolve);
  const server = startServer(async (_req, url) => {
    if (url.pathname === "/slow") await gate;
    return new Response("ok");
  });
  try {
    const fast = await runCheck(checkRequest(`${server.origin}/`, { degradedMs: 5_000 }), open);
    assert.equal(fast.outcome, "up");
    assert.equal(fast.degraded, false);

    // The response waits until the check has run longer than the 1 ms threshold.
    const slow = runCheck(checkRequest(`${server.origin}/slow`, { degradedMs: 1 }), open);
    setTimeout(release, 20);
    const result = await slow;
    assert.equal(result.outcome, "up");
    assert.equal(result.degraded, true);
    assert.equal(result.errorKind, "");

    const never = await runCheck(checkRequest(`${server.origin}/`), open);
    assert.equal(never.degraded, false);
  } finally {
    release();
    await server.close();
  }
});

Deno.test("blocked ports (the Fetch standard's list) are refused in the URL and on a redirect hop", async () => {
  const smtp = await runCheck(checkRequest("http://mail.example.com:25/"), {
    allowPrivateTargets: false,
  });
  assert.equal(smtp.errorKind, "blocked");
  assert.match(smtp.errorMessage, /^blocked: port 25 \(smtp\) is not allowed/);

  const server = startServer(() =>
    new Response(null, { status: 302, headers: { location: "http://127.0.0.1:587/" } })
  );
  try {
    const hop = await runCheck(checkRequest(`${server.origin}/`), open);
    assert.equal(hop.errorKind, "blocked");
    assert.match(hop.errorMessage, /port 587 \(submission\)/);
  } finally {
    await server.close();
  }
});

Deno.test("a TCP monitor is up when the port accepts a connection, refused or blocked otherwise", async () => {
  const listener = startListener("127.0.0.1");
  try {
    const up = await runTcpCheck(
      { url: `tcp://127.0.0.1:${listener.port}`, timeoutMs: 2_000 },
      open,
    );
    assert.equal(up.outcome, "up", up.errorMessage);
    assert.equal(up.httpStatus, 0);

    const port = freePort();
    const closed = await runTcpCheck({ url: `tcp://[::1]:${port}`, timeoutMs: 2_000 }, open);
    assert.equal(closed.outcome, "down");
    assert.equal(closed.errorKind, "refused");
    assert.equal(closed.errorMessage, `connection refused by [::1]:${port}`);

    // The SSRF guard applies as for HTTP.
    const guarded = await runTcpCheck(
      { url: `tcp://db.internal.test:${listener.port}`, timeoutMs: 2_000 },
      { allowPrivateTargets: false, resolve: () => Promise.resolve(["127.0.0.1"]) },
    );
    assert.equal(guarded.errorKind, "blocked");
    assert.equal(guarded.errorMessage, "blocked: db.internal.test resolves to a loopback address");

    // With a rule that treats 127.0.0.1 as public, the same target is checked.
    const publicHost = await runTcpCheck(
      { url: `tcp://127.0.0.1:${listener.port}`, timeoutMs: 2_000 },
      {
        allowPrivateTargets: false,
        addressRule: (ip) => ip === "127.0.0.1" ? null : blockReason(ip),
      },
    );
    assert.equal(publicHost.outcome, "up");

    const smtp = await runTcpCheck({ url: "tcp://mail.example.com:25", timeoutMs: 2_000 }, {
      allowPrivateTargets: false,
    });
    assert.equal(smtp.errorKind, "blocked");

    const noPort = await runTcpCheck({ url: "tcp://example.com", timeoutMs: 2_000 }, open);
    assert.equal(noPort.errorKind, "invalid");
  } finally {
    await listener.close();
  }
});
