import assert from "node:assert/strict";
import { runCheck } from "../../worker/check/mod.ts";
import {
  checkRequest,
  freePort,
  startEndlessServer,
  startListener,
  startRawServer,
  startServer,
} from "./check_servers.ts";

const open = { allowPrivateTargets: true };

Deno.test("a keyword early in an endless body is up promptly and the connection is closed", async () => {
  const server = startEndlessServer({ prefix: "status: healthy\n" });
  try {
    const started = performance.now();
    const result = await runCheck(
      checkRequest(server.origin, { keyword: "healthy", timeoutMs: 10_000 }),
      open,
    );
    assert.equal(result.outcome, "up", result.errorMessage);
    assert.ok(performance.now() - started < 2_000, "the scan must stop at the keyword");
    await server.waitForClose(1);
  } finally {
    await server.close();
  }
});

Deno.test("a keyword missing from an endless body stops at the 1 MiB cap", async () => {
  const server = startEndlessServer();
  try {
    const result = await runCheck(
      checkRequest(server.origin, { keyword: "healthy", timeoutMs: 10_000 }),
      open,
    );
    assert.equal(result.errorKind, "keyword");
    assert.equal(result.errorMessage, "keyword not found in first 1 MiB");
    await server.waitForClose(1);
  } finally {
    await server.close();
  }
});

Deno.test("endless bodies are dropped at once and memory stays flat over many checks", async () => {
  const server = startEndlessServer({ chunkBytes: 256 * 1024 });
  const check = (keyword: string | null) =>
    runCheck(checkRequest(server.origin, { keyword }), open);
  try {
    // Sockets and read buffers settle into the allocator over the first checks; measure after.
    for (let i = 0; i < 20; i++) await check(i % 2 ? "absent" : null);
    await server.waitForClose(20);
    const before = Deno.memoryUsage().rss;

    for (let i = 0; i < 20; i++) {
      const result = await check(null);
      assert.equal(result.outcome, "up");
      // The target sees its stream cancelled: the socket is gone, not parked.
      await server.waitForClose(21 + i);
    }
    // With a keyword each check reads up to the 1 MiB cap, then lets go.
    for (let i = 0; i < 20; i++) {
      const result = await check("absent");
      assert.equal(result.errorMessage, "keyword not found in first 1 MiB");
    }
    await server.waitForClose(60);
    const growthMiB = (Deno.memoryUsage().rss - before) / 1024 / 1024;
    // Generous, because V8 frees read buffers lazily and native socket buffers
    // settle slowly; a check that read an endless body until its timeout would pull
    // gigabytes from a loopback stream.
    assert.ok(growthMiB < 64, `rss grew ${growthMiB.toFixed(1)} MiB over 40 checks`);
  } finally {
    await server.close();
  }
});

Deno.test("a target that never answers times out at timeoutMs without delaying other checks", async () => {
  const silent = startListener();
  const healthy = startServer(() => new Response("ok"));
  try {
    const started = performance.now();
    const slow = runCheck(checkRequest(silent.origin, { timeoutMs: 500 }), open);
    const fast = await runCheck(checkRequest(healthy.origin, { timeoutMs: 500 }), open);
    const fastMs = performance.now() - started;
    const result = await slow;
    const slowMs = performance.now() - started;

    assert.equal(fast.outcome, "up");
    assert.ok(fastMs < 300, `the healthy check took ${fastMs} ms`);
    assert.equal(result.outcome, "down");
    assert.equal(result.errorKind, "timeout");
    assert.equal(result.httpStatus, 0);
    assert.equal(result.errorMessage, "timed out after 500 ms");
    assert.ok(slowMs > 450 && slowMs < 1_500, `timed out after ${slowMs} ms`);
    assert.ok(result.responseMs >= 450 && result.responseMs < 1_500);
    assert.equal(silent.connections, 1);
  } finally {
    await Promise.all([silent.close(), healthy.close()]);
  }
});

Deno.test("a body that stalls after the headers times out instead of hanging", async () => {
  let release = () => {};
  const stalled = new Promise<void>((resolve) => release = resolve);
  const server = startServer(() =>
    new Response(
      new ReadableStream({
        async pull(controller) {
          controller.enqueue(new TextEncoder().encode("partial "));
          await stalled;
          controller.close();
        },
      }),
    )
  );
  try {
    const started = performance.now();
    const result = await runCheck(
      checkRequest(server.origin, { keyword: "never", timeoutMs: 500 }),
      open,
    );
    const tookMs = performance.now() - started;
    assert.equal(result.errorKind, "timeout");
    assert.equal(result.httpStatus, 200);
    assert.ok(tookMs > 450 && tookMs < 1_500, `took ${tookMs} ms`);
  } finally {
    release();
    await server.close();
  }
});

Deno.test("an outer abort signal (worker shutdown) ends the check at once", async () => {
  const silent = startListener();
  try {
    const controller = new AbortController();
    const pending = runCheck(checkRequest(silent.origin, { timeoutMs: 10_000 }), {
      ...open,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    const result = await pending;
    assert.equal(result.errorKind, "timeout");
    assert.equal(result.errorMessage, "check aborted");
    assert.ok(result.responseMs < 1_000);
  } finally {
    await silent.close();
  }
});

Deno.test("a closed port is down with kind refused, naming the address that refused", async () => {
  const port = freePort();
  const result = await runCheck(checkRequest(`http://127.0.0.1:${port}/`), open);
  assert.equal(result.outcome, "down");
  assert.equal(result.errorKind, "refused");
  assert.equal(result.httpStatus, 0);
  assert.equal(result.errorMessage, `connection refused by 127.0.0.1:${port}`);
});

Deno.test("a host without addresses, or a failing resolver, is down with kind dns", async () => {
  const none = await runCheck(checkRequest("http://nothing.invalid/"), {
    ...open,
    resolve: () => Promise.resolve([]),
  });
  assert.equal(none.errorKind, "dns");
  assert.equal(none.errorMessage, "DNS lookup failed: no addresses for nothing.invalid");

  const notFound = await runCheck(checkRequest("http://nothing.invalid/"), {
    ...open,
    resolve: () =>
      Promise.reject(
        Object.assign(new Error("getaddrinfo ENOTFOUND nothing.invalid"), { code: "ENOTFOUND" }),
      ),
  });
  assert.equal(notFound.errorKind, "dns");

  // A resolver that hangs is still bounded by the check's timeout.
  const hanging = await runCheck(checkRequest("http://slow-dns.invalid/", { timeoutMs: 200 }), {
    ...open,
    resolve: () => new Promise(() => {}),
  });
  assert.equal(hanging.errorKind, "timeout");
});

Deno.test("a connection reset before any response is down with kind connection", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const resetting = (async () => {
    for await (const conn of listener) {
      // Read the request, then hang up without answering.
      await conn.read(new Uint8Array(1024));
      conn.close();
    }
  })().catch(() => {});
  try {
    const result = await runCheck(checkRequest(`http://127.0.0.1:${listener.addr.port}/`), open);
    assert.equal(result.outcome, "down");
    assert.equal(result.errorKind, "connection");
  } finally {
    listener.close();
    await resetting;
  }
});

Deno.test("a header block over 300 KiB (curl's limit) is down with kind connection, one just under is read", async () => {
  const filler = (bytes: number) => `x-filler: ${"a".repeat(bytes - 12)}\r\n`;
  const head = (lines: number) => `HTTP/1.1 200 OK\r\n${filler(1024).repeat(lines)}`;
  const huge = startRawServer(`${head(301)}content-length: 2\r\n\r\nok`);
  const oneLongLine = startRawServer(`HTTP/1.1 200 OK\r\nx-long: ${"a".repeat(400_000)}`);
  const justUnder = startRawServer(`${head(295)}content-length: 2\r\n\r\nok`);
  try {
    for (const server of [huge, oneLongLine]) {
      const result = await runCheck(checkRequest(server.origin), open);
      assert.equal(result.outcome, "down");
      assert.equal(result.errorKind, "connection");
      assert.equal(result.errorMessage, "invalid response: headers exceed 300 KiB");
      assert.equal(result.httpStatus, 0);
    }
    const fits = await runCheck(checkRequest(justUnder.origin, { keyword: "ok" }), open);
    assert.equal(fits.outcome, "up", fits.errorMessage);
  } finally {
    await Promise.all([huge.close(), oneLongLine.close(), justUnder.close()]);
  }
});
