/**
 * The account API: changing the password ends every other session and keeps this one;
 * signing out everywhere ends them all, live sockets included.
 */
import assert from "node:assert/strict";
import { apiServer, errorCode, errorMessage } from "../helpers/api.ts";
import { liveHub } from "../../web/live/hub.ts";

const PASSWORD = "correct horse 1";

type Server = Awaited<ReturnType<typeof apiServer>>;

/** A second browser signed in to the same account. */
async function secondBrowser(server: Server, email: string, password = PASSWORD) {
  const other = server.client();
  await other.api.user.login.mutate({ email, password });
  return other;
}

Deno.test("changing the password ends the other sessions and keeps this one", async () => {
  const server = await apiServer();
  try {
    const me = await server.user("changer");
    const laptop = await secondBrowser(server, me.email);
    const result = await me.api.account.changePassword.mutate({
      currentPassword: PASSWORD,
      newPassword: "a new battery staple",
    });
    assert.deepEqual(result, { otherSessionsEnded: 1 });
    assert.equal((await me.api.user.me.query()).id, me.user.id);
    assert.equal(await errorCode(laptop.api.user.me.query()), "UNAUTHORIZED");
    assert.equal(
      await errorCode(
        server.client().api.user.login.mutate({ email: me.email, password: PASSWORD }),
      ),
      "UNAUTHORIZED",
    );
    await secondBrowser(server, me.email, "a new battery staple");
  } finally {
    await server.close();
  }
});

Deno.test("a wrong current password is refused at that field, and nothing changes", async () => {
  const server = await apiServer();
  try {
    const me = await server.user("forgetful");
    const laptop = await secondBrowser(server, me.email);
    assert.equal(
      await errorMessage(me.api.account.changePassword.mutate({
        currentPassword: "not my password",
        newPassword: "a new battery staple",
      })),
      "BAD_REQUEST: currentPassword: this is not your current password",
    );
    assert.match(
      await errorMessage(me.api.account.changePassword.mutate({
        currentPassword: PASSWORD,
        newPassword: "short",
      })),
      /^BAD_REQUEST: newPassword: at least 8 characters/,
    );
    assert.match(
      await errorMessage(me.api.account.changePassword.mutate({
        currentPassword: PASSWORD,
        newPassword: PASSWORD,
      })),
      /^BAD_REQUEST: newPassword: choose a password you do not use now/,
    );
    assert.equal((await laptop.api.user.me.query()).id, me.user.id);
    await secondBrowser(server, me.email, PASSWORD);
  } finally {
    await server.close();
  }
});

Deno.test("guessing the current password is limited like logging in", async () => {
  const server = await apiServer();
  try {
    const me = await server.user("guesser");
    const codes: string[] = [];
    for (let i = 0; i < 11; i++) {
      codes.push(
        await errorCode(me.api.account.changePassword.mutate({
          currentPassword: `guess ${i}`,
          newPassword: "a new battery staple",
        })),
      );
    }
    assert.deepEqual(codes, [...Array(10).fill("BAD_REQUEST"), "TOO_MANY_REQUESTS"]);
  } finally {
    await server.close();
  }
});

Deno.test("signing out everywhere ends every session, this one and its live socket too", async () => {
  const server = await apiServer();
  liveHub(server.services, { pingIntervalMs: 100 });
  try {
    const me = await server.user("leaver");
    const laptop = await secondBrowser(server, me.email);
    const socket = new (WebSocket as unknown as new (
      url: string,
      options: { headers: Record<string, string> },
    ) => WebSocket)(`${server.url.replace(/^http/, "ws")}/api/ws`, {
      headers: { cookie: `uptime_session=${laptop.jar.get("uptime_session")}` },
    });
    const closed = new Promise<CloseEvent>((resolve) => socket.onclose = resolve);
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = () => reject(new Error("the socket did not open"));
    });
    // Answers pings, as the browser's client does, so only the session check can close it.
    socket.onmessage = (event) => {
      if (JSON.parse(event.data).type === "ping") socket.send(JSON.stringify({ type: "pong" }));
    };

    assert.deepEqual(await me.api.account.signOutEverywhere.mutate(), {
      sessionsEnded: 2,
      tokensRevoked: 0,
    });
    assert.equal(me.jar.size, 0, "this browser's cookie is cleared");
    assert.equal(await errorCode(laptop.api.user.me.query()), "UNAUTHORIZED");
    const rows = await server.bed.pg.sql`select 1 from sessions where user_id = ${me.user.id}`;
    assert.equal(rows.length, 0);
    const event = await closed;
    assert.equal(event.code, 1008);
    assert.match(event.reason, /session ended/);
  } finally {
    await server.close();
  }
});

Deno.test("the account procedures need a session", async () => {
  const server = await apiServer();
  try {
    const anonymous = server.client();
    assert.equal(await errorCode(anonymous.api.account.signOutEverywhere.mutate()), "UNAUTHORIZED");
    assert.equal(
      await errorCode(anonymous.api.account.changePassword.mutate({
        currentPassword: PASSWORD,
        newPassword: "a new battery staple",
      })),
      "UNAUTHORIZED",
    );
  } finally {
    await server.close();
  }
});
