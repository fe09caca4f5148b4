import assert from "node:assert/strict";
import { fixtureApp } from "./helpers.ts";

Deno.test("ctx.upgrade turns a route into a WebSocket endpoint", async () => {
  const { handler } = await fixtureApp();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  try {
    const socket = new WebSocket(`ws://127.0.0.1:${server.addr.port}/ws`);
    const reply = new Promise<string>((resolve, reject) => {
      socket.onmessage = (e) => resolve(e.data);
      socket.onerror = () => reject(new Error("socket failed"));
    });
    await new Promise((resolve) => socket.onopen = resolve);
    socket.send("ping");
    assert.equal(await reply, "echo ping");
    const closed = new Promise((resolve) => socket.onclose = resolve);
    socket.close();
    await closed;
  } finally {
    await server.shutdown();
  }
});

Deno.test("a plain GET to a WebSocket route is a 400, not a crash", async () => {
  const { handler } = await fixtureApp();
  const res = await handler(new Request("http://localhost/ws"));
  assert.equal(res.status, 400);
  await res.body?.cancel();
});
