/**
 * The public surface under abuse: oversized batches, socket floods, login floods and
 * guessing, closed sign-up. Each limit answers clearly and leaves the process healthy.
 */
import assert from "node:assert/strict";
import { apiServer, errorMessage } from "../helpers/api.ts";
import { clientIp } from "../../web/client_ip.ts";
import { MAX_SOCKETS_PER_ADDRESS } from "../../web/live/address_cap.ts";
import { MAX_WAITING_HASHES } from "../../services/users/password.ts";

// Deno's WebSocket takes headers; the DOM lib's constructor type does not know that.
const DenoWebSocket = WebSocket as unknown as new (
  url: string,
  options: { headers: Record<string, string> },
) => WebSocket;

/** A login over HTTP as if from `address` (the test server trusts loopback as its proxy). */
async function loginFrom(url: string, address: string, email: string, password: string) {
  const response = await fetch(`${url}/api/trpc/user.login`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": address },
    body: JSON.stringify({ email, password }),
  });
  const body = await response.json();
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body };
}

Deno.test("a tRPC batch of 1,000 calls is refused with 400", async () => {
  const server = await apiServer();
  try {
    const paths = Array(1_000).fill("user.me").join(",");
    const response = await fetch(`${server.url}/api/trpc/${paths}?batch=1&input={}`);
    assert.equal(response.status, 400);
    assert.match(JSON.stringify(await response.json()), /Batch call exceeds maximum size/);
    // A batch of ordinary size still works.
    const { api } = await server.user();
    const [me, list] = await Promise.all([api.user.me.query(), api.website.list.query()]);
    assert.ok(me.id);
    assert.deepEqual(list, []);
  } finally {
    await server.close();
  }
});

Deno.test("200 WebSocket connections from one address: only the capped number open", async () => {
  const server = await apiServer();
  const sockets: WebSocket[] = [];
  try {
    const outcomes = await Promise.all(Array.from({ length: 200 }, () => {
      const socket = new DenoWebSocket(`${server.url.replace(/^http/, "ws")}/api/ws`, {
        headers: { origin: server.url },
      });
      sockets.push(socket);
      return new Promise<string>((resolve) => {
        let opened = false;
        socket.onopen = () => {
          opened = true;
          // Open and not closed by the server right away: counted as accepted.
          setTimeout(() => resolve(socket.readyState === WebSocket.OPEN ? "open" : "closed"), 300);
        };
        socket.onerror = () => !opened && resolve("refused");
        socket.onclose = () => !opened && resolve("refused");
      });
    }));
    const open = outcomes.filter((o) => o === "open").length;
    assert.equal(open, MAX_SOCKETS_PER_ADDRESS, JSON.stringify(outcomes));
    // Closing some makes room again.
    for (const socket of sockets.filter((s) => s.readyState === WebSocket.OPEN).slice(0, 5)) {
      socket.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const again = new DenoWebSocket(`${server.url.replace(/^http/, "ws")}/api/ws`, {
      headers: { origin: server.url },
    });
    sockets.push(again);
    await new Promise((resolve, reject) => {
      again.onopen = resolve;
      again.onerror = reject;
    });
  } finally {
    for (const socket of sockets) socket.close();
    await server.close();
  }
});

Deno.test("100 parallel logins for one account fill the hashing queue: 503 or 429, and the process stays healthy", async () => {
  const server = await apiServer({ TRUSTED_PROXIES: "loopback" });
  try {
    const { email } = await server.user("crowded");
    const results = await Promise.all(
      Array.from(
        { length: 100 },
        (_, i) => loginFrom(server.url, `198.51.100.${i + 1}`, email, `wrong guess ${i}`),
      ),
    );
    const statuses = results.map((r) => r.status);
    const busy = results.filter((r) => r.status === 503);
    assert.ok(busy.length >= 100 - 2 - MAX_WAITING_HASHES, `statuses: ${statuses}`);
    for (const result of busy) {
      assert.ok(Number(result.retryAfter) > 0);
      assert.match(result.body.error.message, /busy checking passwords; try again in \d+ s/);
    }
    assert.ok(statuses.every((s) => s === 401 || s === 429 || s === 503), `statuses: ${statuses}`);
    // Afterwards the owner logs in at once.
    const owner = await loginFrom(server.url, "203.0.113.7", email, "correct horse 1");
    assert.equal(owner.status, 200);
  } finally {
    await server.close();
  }
});

Deno.test("with SIGNUP=closed, user.signup answers FORBIDDEN", async () => {
  const server = await apiServer({ SIGNUP: "closed" });
  try {
    const message = await errorMessage(
      server.client().api.user.signup.mutate({ email: "new@example.com", password: "long enough" }),
    );
    assert.match(message, /^FORBIDDEN: Sign-up is closed on this instance/);
  } finally {
    await server.close();
  }
});

Deno.test("failed logins from one address do not lock the account from another; a success resets the count", async () => {
  const server = await apiServer({ TRUSTED_PROXIES: "loopback" });
  try {
    const { email } = await server.user("target");
    const stranger = "198.51.100.66";
    for (let i = 0; i < 10; i++) {
      assert.equal((await loginFrom(server.url, stranger, email, `guess ${i}`)).status, 401);
    }
    const refused = await loginFrom(server.url, stranger, email, "correct horse 1");
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.retryAfter) > 0);
    // The owner, elsewhere, is not locked out.
    assert.equal(
      (await loginFrom(server.url, "203.0.113.5", email, "correct horse 1")).status,
      200,
    );

    // The owner's own typos: five, a success, five more: without the reset, the last
    // login would be the eleventh attempt after ten failures.
    const home = "203.0.113.9";
    for (let i = 0; i < 5; i++) await loginFrom(server.url, home, email, `typo ${i}`);
    assert.equal((await loginFrom(server.url, home, email, "correct horse 1")).status, 200);
    for (let i = 0; i < 5; i++) await loginFrom(server.url, home, email, `typo ${i}`);
    assert.equal((await loginFrom(server.url, home, email, "correct horse 1")).status, 200);

    // No raw email in any Redis key.
    const keys = await server.bed.redis.keys(`${server.services.config.redisKeyPrefix}*`);
    assert.ok(keys.length > 0);
    assert.ok(keys.every((key) => !key.includes(email)), keys.join("\n"));
  } finally {
    await server.close();
  }
});

Deno.test("X-Forwarded-For and Fly-Client-IP are believed only from TRUSTED_PROXIES", () => {
  const from = (peer: string, headers: Record<string, string>) =>
    [
      new Request("http://x/", { headers }),
      { remoteAddr: { transport: "tcp", hostname: peer, port: 1 } } as Deno.ServeHandlerInfo,
    ] as const;
  const spoofed = from("203.0.113.50", {
    "x-forwarded-for": "1.2.3.4",
    "fly-client-ip": "5.6.7.8",
  });
  assert.equal(clientIp(...spoofed, []), "203.0.113.50");
  assert.equal(clientIp(...spoofed, ["10.0.0.0/8"]), "203.0.113.50");
  // Behind two of our proxies: the first address they did not add is the client.
  const proxied = from("10.0.0.2", { "x-forwarded-for": "6.6.6.6, 198.51.100.4, 10.0.0.9" });
  assert.equal(clientIp(...proxied, ["10.0.0.0/8"]), "198.51.100.4");
  assert.equal(
    clientIp(...from("fdaa::3", { "fly-client-ip": "198.51.100.8" }), ["fdaa::/16"]),
    "198.51.100.8",
  );
  assert.equal(clientIp(...from("10.0.0.2", {}), ["10.0.0.0/8"]), "10.0.0.2");
});
