/**
 * A failed check keeps the answer that failed it (status, headers, start of the body), so
 * the team can see why; an up check keeps nothing, and a slow or endless body neither
 * holds the check up nor turns its verdict into a timeout.
 */
import assert from "node:assert/strict";
import { runCheck } from "../../worker/check/mod.ts";
import { EXCERPT_BODY_BYTES } from "../../worker/check/response_excerpt.ts";
import { checkRequest, startEndlessServer, startServer } from "./check_servers.ts";

const open = { allowPrivateTargets: true };
const fixtures = new URL("./fixtures/", import.meta.url);

Deno.test("a wrong status keeps the status, headers and start of the body, but no cookies", async () => {
  const server = startServer((_req, url) =>
    url.pathname === "/ok" ? new Response("fine") : new Response(
      "<h1>Down for maintenance</h1><script>alert(1)</script>\0",
      {
        status: 503,
        headers: {
          "content-type": "text/html; charset=utf-8",
          "retry-after": "120",
          "set-cookie": "session=s3cret; HttpOnly",
          "x-auth-token": "t0ken",
        },
      },
    )
  );
  try {
    const down = await runCheck(checkRequest(`${server.origin}/`), open);
    assert.equal(down.errorKind, "status");
    const [head, body] = down.response!.split("\n\n");
    const lines = head.split("\n");
    assert.equal(lines[0], "HTTP 503");
    assert.ok(lines.includes("content-type: text/html; charset=utf-8"), head);
    assert.ok(lines.includes("retry-after: 120"), head);
    assert.ok(lines.includes("set-cookie: (not kept)"), head);
    assert.ok(lines.includes("x-auth-token: (not kept)"), head);
    assert.doesNotMatch(down.response!, /s3cret|t0ken/);
    assert.equal(body, "<h1>Down for maintenance</h1><script>alert(1)</script>\uFFFD");

    const up = await runCheck(checkRequest(`${server.origin}/ok`), open);
    assert.equal(up.outcome, "up");
    assert.equal(up.response, undefined);
  } finally {
    await server.close();
  }
});

Deno.test("a missing keyword keeps the start of the body it read", async () => {
  const page = `<p>${"é".repeat(EXCERPT_BODY_BYTES)}</p> Degraded`;
  const server = startServer(() => new Response(page));
  try {
    const missing = await runCheck(checkRequest(server.origin, { keyword: "Operational" }), open);
    assert.equal(missing.errorKind, "keyword");
    const body = missing.response!.split("\n\n")[1];
    // 1,024 bytes: "<p>" and 510 two-byte characters, the 511th cut in half.
    assert.equal(body, `<p>${"é".repeat(510)}\uFFFD`);
  } finally {
    await server.close();
  }
});

Deno.test("a wrong status with an endless or stalled body is kept as far as it came, without waiting for the timeout", async () => {
  const endless = startEndlessServer({ prefix: "<h1>Error</h1>" });
  let release = () => {};
  const stalled = new Promise<void>((resolve) => release = resolve);
  const stalling = startServer(() =>
    new Response(
      new ReadableStream({
        async pull(controller) {
          controller.enqueue(new TextEncoder().encode("partial "));
          await stalled;
          controller.close();
        },
      }),
      { status: 500 },
    )
  );
  try {
    const streamed = await runCheck(
      checkRequest(endless.origin, { expectedStatus: 204, timeoutMs: 10_000 }),
      open,
    );
    assert.equal(streamed.errorMessage, "expected 204, got 200");
    const body = streamed.response!.split("\n\n")[1];
    assert.equal(body.length, EXCERPT_BODY_BYTES);
    assert.ok(body.startsWith("<h1>Error</h1>xxx"), body.slice(0, 40));
    await endless.waitForClose(1);

    const started = performance.now();
    const slow = await runCheck(checkRequest(stalling.origin, { timeoutMs: 10_000 }), open);
    const tookMs = performance.now() - started;
    assert.equal(slow.errorKind, "status", "the status decided it, not the stalled body");
    assert.equal(slow.response!.split("\n\n")[1], "partial ");
    assert.ok(tookMs < 3_000, `took ${tookMs} ms`);
  } finally {
    release();
    await Promise.all([endless.close(), stalling.close()]);
  }
});

Deno.test("over HTTP/2 too, and a HEAD check keeps the headers alone", async () => {
  const cert = await Deno.readTextFile(new URL("secure_test_cert.pem", fixtures));
  const key = await Deno.readTextFile(new URL("secure_test_key.pem", fixtures));
  let release = () => {};
  const stalled = new Promise<void>((resolve) => release = resolve);
  const server = startServer(
    (request) =>
      new Response(
        request.method === "HEAD" ? null : new ReadableStream({
          async pull(controller) {
            controller.enqueue(new TextEncoder().encode("<h1>Bad gateway</h1>"));
            await stalled;
            controller.close();
          },
        }),
        { status: 502, headers: { "content-type": "text/html" } },
      ),
    { cert, key },
  );
  const options = {
    ...open,
    resolve: () => Promise.resolve(["127.0.0.1"]),
    trustedCertificates: [cert],
  };
  try {
    const url = `https://secure.test:${server.port}/`;
    const get = await runCheck(checkRequest(url, { timeoutMs: 10_000 }), options);
    assert.equal(get.errorKind, "status", get.errorMessage);
    assert.match(
      get.response!,
      /^HTTP 502\n[^]*content-type: text\/html\n[^]*\n\n<h1>Bad gateway<\/h1>$/,
    );

    const head = await runCheck(checkRequest(url, { method: "HEAD" }), options);
    assert.equal(head.errorKind, "status");
    assert.match(head.response!, /^HTTP 502\n/);
    assert.ok(!head.response!.includes("\n\n"), "no body");
  } finally {
    release();
    await server.close();
  }
});
