import assert from "node:assert/strict";
import { apiServer } from "../helpers/api.ts";
import { accessRechecker, RECHECK_EVERY_MS } from "../../web/live/access_recheck.ts";

const DenoWebSocket = WebSocket as unknown as new (
  url: string,
  options: { headers: Record<string, string> },
) => WebSocket;

type Server = Awaited<ReturnType<typeof apiServer>>;

async function openSocket(server: Server, cookie: string) {
  const socket = new DenoWebSocket(`${server.url.replace(/^http/, "ws")}/api/ws`, {
    headers: { cookie, origin: server.url },
  });
  const closed = new Promise<CloseEvent>((resolve) => socket.onclose = resolve);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = () => reject(new Error("the socket did not open"));
  });
  socket.onmessage = (event) => {
    if (JSON.parse(event.data).type === "ping") socket.send(JSON.stringify({ type: "pong" }));
  };
  return { socket, closed };
}

Deno.test("a logout closes the live socket within 5 s, at the default cadence", async () => {
  const server = await apiServer();
  try {
    const me = await server.user("quick");
    const { closed } = await openSocket(server, `uptime_session=${me.jar.get("uptime_session")}`);
    const before = Date.now();
    await me.api.user.logout.mutate();
    const event = await closed;
    const took = Date.now() - before;
    assert.equal(event.code, 1008);
    assert.ok(took <= 5_000, `closed ${took} ms after the logout`);
    assert.ok(RECHECK_EVERY_MS <= 5_000);
  } finally {
    await server.close();
  }
});

Deno.test("an open socket does not keep an idle session alive", async () => {
  const server = await apiServer();
  try {
    const me = await server.user("idle");
    const { socket, closed } = await openSocket(
      server,
      `uptime_session=${me.jar.get("uptime_session")}`,
    );
    await server.bed.pg.sql`
      update sessions set last_seen_at = now() - interval '6 days' where user_id = ${me.user.id}`;
    const [{ seen }] = await server.bed.pg.sql`
      select last_seen_at::text as seen from sessions where user_id = ${me.user.id}`;
    await accessRechecker(server.services).recheckNow();
    await accessRechecker(server.services).recheckNow();
    const [after] = await server.bed.pg.sql`
      select last_seen_at::text as seen from sessions where user_id = ${me.user.id}`;
    assert.equal(after.seen, seen, "the re-check touched the session");
    assert.equal(socket.readyState, WebSocket.OPEN);
    // Past the idle limit, the next re-check ends the socket.
    await server.bed.pg.sql`
      update sessions set last_seen_at = now() - interval '8 days' where user_id = ${me.user.id}`;
    await accessRechecker(server.services).recheckNow();
    assert.equal((await closed).code, 1008);
  } finally {
    await server.close();
  }
});
