import assert from "node:assert/strict";
import { defaultUserAgent, runCheck } from "../../worker/check/mod.ts";
import { checkRequest, startRawServer, startServer } from "./check_servers.ts";

// Local servers live on loopback, so the guard is off unless a test is about it.
const open = { allowPrivateTargets: true };
const fixtures = new URL("./fixtures/", import.meta.url);

Deno.test("a 200 response is up, with its status and an integer response time", async () => {
  const server = startServer(() => new Response("ok"));
  try {
    const result = await runCheck(checkRequest(`${server.origin}/health`), open);
    const { timings: _, ...verdict } = result;
    assert.deepEqual({ ...verdict, responseMs: 0 }, {
      outcome: "up",
      httpStatus: 200,
      responseMs: 0,
      errorKind: "",
      errorMessage: "",
      degraded: false,
      certDaysLeft: null,
    });
    assert.ok(Number.isInteger(result.responseMs) && result.responseMs >= 0);
    assert.equal(server.requests[0].path, "/health");
  } finally {
    await server.close();
  }
});

Deno.test("a chunked body is decoded, with the keyword split across chunks and reads", async () => {
  // "operational" straddles two chunks; the response arrives 7 bytes at a time, so chunk
  // size lines are split across reads too. "10" is the first chunk's size in hex: it is
  // framing, not body text.
  const chunks = ["All systems oper", "ational", ", all good"];
  const body = chunks.map((chunk) => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join("");
  const server = startRawServer(
    `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n${body}0\r\n\r\n`,
    { pieceBytes: 7 },
  );
  try {
    const found = await runCheck(checkRequest(server.origin, { keyword: "operational" }), open);
    assert.equal(found.outcome, "up", found.errorMessage);

    const framing = await runCheck(checkRequest(server.origin, { keyword: "10" }), open);
    assert.equal(framing.errorKind, "keyword");
    assert.equal(framing.errorMessage, "keyword not found in response body");
  } finally {
    await server.close();
  }
});

Deno.test("a body cut off before its framing says it ends is down with kind connection", async () => {
  const chunked = startRawServer(
    "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n",
  );
  const short = startRawServer("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nhello");
  try {
    for (const server of [chunked, short]) {
      const result = await runCheck(checkRequest(server.origin, { keyword: "absent" }), open);
      assert.equal(result.errorKind, "connection");
      assert.equal(result.errorMessage, "connection closed while reading the body");
      assert.equal(result.httpStatus, 200);
    }
  } finally {
    await Promise.all([chunked.close(), short.close()]);
  }
});

Deno.test("a 503 is down with a status error; an expected status is honoured", async () => {
  const server = startServer((_req, url) =>
    new Response("x", { status: Number(url.searchParams.get("s")) })
  );
  try {
    const unavailable = await runCheck(checkRequest(`${server.origin}/?s=503`), open);
    assert.equal(unavailable.outcome, "down");
    assert.equal(unavailable.httpStatus, 503);
    assert.equal(unavailable.errorKind, "status");
    assert.equal(unavailable.errorMessage, "expected 2xx or 3xx, got 503");

    const mismatch = await runCheck(
      checkRequest(`${server.origin}/?s=503`, { expectedStatus: 200 }),
      open,
    );
    assert.equal(mismatch.errorMessage, "expected 200, got 503");

    const expected404 = await runCheck(
      checkRequest(`${server.origin}/?s=404`, { expectedStatus: 404 }),
      open,
    );
    assert.equal(expected404.outcome, "up");
    assert.equal(expected404.httpStatus, 404);

    const not201 = await runCheck(
      checkRequest(`${server.origin}/?s=200`, { expectedStatus: 201 }),
      open,
    );
    assert.equal(not201.outcome, "down");
    assert.equal(not201.errorKind, "status");
  } finally {
    await server.close();
  }
});

Deno.test("a keyword in the body is up; a missing keyword is down with kind keyword", async () => {
  const server = startServer(() => new Response("<h1>All systems operational</h1>"));
  try {
    const found = await runCheck(checkRequest(server.origin, { keyword: "operational" }), open);
    assert.equal(found.outcome, "up");

    const missing = await runCheck(checkRequest(server.origin, { keyword: "maintenance" }), open);
    assert.equal(missing.outcome, "down");
    assert.equal(missing.errorKind, "keyword");
    assert.equal(missing.httpStatus, 200);
    assert.equal(missing.errorMessage, "keyword not found in response body");

    // Only the first maxBodyBytes count: "operational" starts at byte 18.
    const capped = await runCheck(
      checkRequest(server.origin, { keyword: "operational" }),
      { ...open, maxBodyBytes: 20 },
    );
    assert.equal(capped.errorKind, "keyword");
    assert.equal(capped.errorMessage, "keyword not found in first 20 bytes");
  } finally {
    await server.close();
  }
});

Deno.test("the website's method, headers and body are delivered, with a default User-Agent", async () => {
  const server = startServer(() => new Response("ok"));
  try {
    await runCheck(
      checkRequest(`${server.origin}/hook?a=1`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Token": "secret", Host: "evil.example" },
        body: '{"ping":true}',
      }),
      open,
    );
    const seen = server.requests[0];
    assert.equal(seen.method, "POST");
    assert.equal(seen.path, "/hook?a=1");
    assert.equal(seen.body, '{"ping":true}');
    assert.equal(seen.headers.get("content-type"), "application/json");
    assert.equal(seen.headers.get("x-token"), "secret");
    assert.equal(seen.headers.get("user-agent"), defaultUserAgent);
    // The Host header always names the URL's host: it is what the guard vetted.
    assert.equal(seen.headers.get("host"), `127.0.0.1:${server.port}`);

    await runCheck(checkRequest(server.origin, { headers: { "user-agent": "Custom/2" } }), open);
    assert.equal(server.requests[1].headers.get("user-agent"), "Custom/2");
  } finally {
    await server.close();
  }
});

Deno.test("redirects are followed, relative and absolute, up to 5 hops", async () => {
  // /hop/N redirects to /hop/N-1 (alternating relative and absolute), /hop/0 answers.
  const server = startServer((_req, url) => {
    const n = Number(url.pathname.split("/")[2]);
    if (n === 0) return new Response("landed");
    const location = n % 2 ? `${n - 1}` : `${url.origin}/hop/${n - 1}`;
    return new Response(null, { status: 302, headers: { location } });
  });
  try {
    const five = await runCheck(
      checkRequest(`${server.origin}/hop/5`, { keyword: "landed" }),
      open,
    );
    assert.equal(five.outcome, "up");
    assert.equal(five.httpStatus, 200);
    assert.deepEqual(server.requests.map((r) => r.path), [
      "/hop/5",
      "/hop/4",
      "/hop/3",
      "/hop/2",
      "/hop/1",
      "/hop/0",
    ]);

    const six = await runCheck(checkRequest(`${server.origin}/hop/6`), open);
    assert.equal(six.outcome, "down");
    assert.equal(six.errorKind, "redirects");
    assert.equal(six.httpStatus, 0);

    // Expecting the redirect status itself stops at the first response.
    const expects302 = await runCheck(
      checkRequest(`${server.origin}/hop/3`, { expectedStatus: 302 }),
      open,
    );
    assert.equal(expects302.outcome, "up");
    assert.equal(expects302.httpStatus, 302);
  } finally {
    await server.close();
  }
});

Deno.test("a 303 turns a POST into a body-less GET; a 307 repeats the POST", async () => {
  const server = startServer((_req, url) => {
    if (url.pathname === "/see-other") {
      return new Response(null, { status: 303, headers: { location: "/done" } });
    }
    if (url.pathname === "/temporary") {
      return new Response(null, { status: 307, headers: { location: "/done" } });
    }
    return new Response("done");
  });
  try {
    const post = { method: "POST", body: "payload", headers: { "content-type": "text/plain" } };
    assert.equal(
      (await runCheck(checkRequest(`${server.origin}/see-other`, post), open)).outcome,
      "up",
    );
    const [, afterSeeOther] = server.requests;
    assert.equal(afterSeeOther.method, "GET");
    assert.equal(afterSeeOther.body, "");
    assert.equal(afterSeeOther.headers.get("content-type"), null);

    assert.equal(
      (await runCheck(checkRequest(`${server.origin}/temporary`, post), open)).outcome,
      "up",
    );
    const afterTemporary = server.requests[3];
    assert.equal(afterTemporary.method, "POST");
    assert.equal(afterTemporary.body, "payload");
  } finally {
    await server.close();
  }
});

Deno.test("credentials are not forwarded when a redirect changes origin", async () => {
  const other = startServer(() => new Response("ok"));
  const first = startServer(() =>
    new Response(null, { status: 301, headers: { location: `${other.origin}/` } })
  );
  try {
    const result = await runCheck(
      checkRequest(first.origin, {
        headers: { authorization: "Bearer t", cookie: "s=1", "x-keep": "1" },
      }),
      open,
    );
    assert.equal(result.outcome, "up");
    assert.equal(first.requests[0].headers.get("authorization"), "Bearer t");
    assert.equal(other.requests[0].headers.get("authorization"), null);
    assert.equal(other.requests[0].headers.get("cookie"), null);
    assert.equal(other.requests[0].headers.get("x-keep"), "1");
  } finally {
    await Promise.all([first.close(), other.close()]);
  }
});

Deno.test("bad URLs, schemes and header values are down with kind invalid", async () => {
  for (
    const url of ["not a url", "ftp://example.com/", "file:///etc/passwd", "javascript:alert(1)"]
  ) {
    const result = await runCheck(checkRequest(url), { allowPrivateTargets: false });
    assert.equal(result.errorKind, "invalid", url);
    assert.equal(result.outcome, "down");
  }
  const server = startServer(() => new Response("ok"));
  try {
    const badHeader = await runCheck(
      checkRequest(server.origin, { headers: { "x-a": "line\nbreak" } }),
      open,
    );
    assert.equal(badHeader.errorKind, "invalid");
    // The same rule and words as the form (lib/header_policy.ts), for websites stored before it.
    const euro = await runCheck(
      checkRequest(server.origin, { headers: { "x-price": "5 €" } }),
      open,
    );
    assert.equal(
      euro.errorMessage,
      'invalid header: the value of "x-price" may hold only printable ASCII characters (found "€")',
    );
    assert.equal(server.requests.length, 0);
  } finally {
    await server.close();
  }
});

Deno.test("TLS is verified against the URL's hostname while connecting to the vetted IP", async () => {
  const cert = await Deno.readTextFile(new URL("secure_test_cert.pem", fixtures));
  const key = await Deno.readTextFile(new URL("secure_test_key.pem", fixtures));
  const server = startServer(() => new Response("secure"), { cert, key });
  const resolve = () => Promise.resolve(["127.0.0.1"]);
  try {
    // The certificate names secure.test; the socket goes to 127.0.0.1.
    const trusted = await runCheck(
      checkRequest(`https://secure.test:${server.port}/`, { keyword: "secure" }),
      { ...open, resolve, trustedCertificates: [cert] },
    );
    assert.equal(trusted.outcome, "up", trusted.errorMessage);
    assert.equal(server.requests[0].authority, `secure.test:${server.port}`);

    const wrongName = await runCheck(
      checkRequest(`https://other.test:${server.port}/`),
      { ...open, resolve, trustedCertificates: [cert] },
    );
    assert.equal(wrongName.errorKind, "tls");

    const untrusted = await runCheck(checkRequest(`https://secure.test:${server.port}/`), {
      ...open,
      resolve,
    });
    assert.equal(untrusted.errorKind, "tls");
    assert.ok(untrusted.errorMessage.length <= 300);
    assert.equal(server.requests.length, 1);
  } finally {
    await server.close();
  }
});

Deno.test("every check opens a connection of its own, even against a keep-alive server", async () => {
  // A raw server that offers keep-alive on every response and counts connections: a
  // pooled socket would show up as fewer connections than checks.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  const serving: Promise<void>[] = [];
  const answer = new TextEncoder().encode(
    "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok",
  );
  const accepting = (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      serving.push(
        (async () => {
          const buffer = new Uint8Array(4096);
          while (await conn.read(buffer) !== null) await conn.write(answer);
        })().catch(() => {}),
      );
    }
  })().catch(() => {});
  try {
    const url = `http://127.0.0.1:${listener.addr.port}/`;
    for (let i = 0; i < 3; i++) {
      assert.equal((await runCheck(checkRequest(url), open)).outcome, "up");
    }
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, () => runCheck(checkRequest(url), open)),
    );
    assert.deepEqual(concurrent.map((result) => result.outcome), Array(5).fill("up"));
    assert.equal(conns.length, 8);
  } finally {
    listener.close();
    await accepting;
    for (const conn of conns) conn.close();
    await Promise.all(serving);
  }
});
