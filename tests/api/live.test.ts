import assert from "node:assert/strict";
import { apiServer } from "../helpers/api.ts";
import { closeLiveHub, liveHub } from "../../web/live/hub.ts";
import { connectLive } from "../../web/live/client.ts";
import type { LiveResult, PageResult, ServerMessage } from "../../web/live/messages.ts";
import { LiveSession, MAX_INVALID_MESSAGES } from "../../web/live/session.ts";
import { publishLiveResults, toLiveResult } from "../../services/live_status/publish.ts";
import { checkRow } from "../helpers/incidents.ts";

// Deno's WebSocket takes headers; the DOM lib's constructor type does not know that.
const DenoWebSocket = WebSocket as unknown as new (
  url: string,
  options: { headers: Record<string, string> },
) => WebSocket;

type Server = Awaited<ReturnType<typeof apiServer>>;

/** The server with its live hub (apiServer's close() closes the hub first). */
async function liveServer(options?: Parameters<typeof liveHub>[1]) {
  const server = await apiServer();
  liveHub(server.services, options);
  return server;
}

/** A test socket that records what it receives. */
class Browser {
  readonly messages: ServerMessage[] = [];
  /** Every frame as it came. */
  readonly raw: string[] = [];
  readonly socket: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<CloseEvent>;
  #waiters = new Set<() => void>();

  constructor(url: string, headers: Record<string, string> = {}) {
    this.socket = new DenoWebSocket(`${url.replace(/^http/, "ws")}/api/ws`, { headers });
    this.opened = new Promise((resolve, reject) => {
      this.socket.onopen = () => resolve();
      this.socket.onerror = () => reject(new Error("the socket did not open"));
    });
    this.opened.catch(() => {});
    this.closed = new Promise((resolve) => this.socket.onclose = resolve);
    this.socket.onmessage = (event) => {
      this.raw.push(event.data);
      this.messages.push(JSON.parse(event.data));
      for (const wake of this.#waiters) wake();
    };
  }

  send(message: unknown) {
    this.socket.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** Waits for the first message after `from` that matches. */
  async next<T extends ServerMessage["type"]>(
    type: T,
    from = 0,
    timeoutMs = 2_000,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const found = this.messages.slice(from).find((m) => m.type === type);
      if (found) return found as Extract<ServerMessage, { type: T }>;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`no "${type}" message; got ${JSON.stringify(this.messages.slice(from))}`);
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.#waiters.add(wake);
      });
    }
  }

  /** Sends and waits for the reply of the given type. */
  async request<T extends ServerMessage["type"]>(message: unknown, type: T) {
    const from = this.messages.length;
    this.send(message);
    return await this.next(type, from);
  }

  /** Results of either kind: whole (owners) or what a status page shows (page followers). */
  results(): (LiveResult | PageResult)[] {
    return this.messages.flatMap((m) =>
      m.type === "result" || m.type === "page-result" ? [m.result] : []
    );
  }

  async close() {
    this.socket.close();
    await this.closed;
  }
}

async function signedIn(server: Server, name: string) {
  const session = await server.user(name);
  const cookie = `uptime_session=${session.jar.get("uptime_session")}`;
  return {
    id: session.user.id,
    cookie,
    browser: async () => {
      const browser = new Browser(server.url, { cookie });
      await browser.opened;
      return browser;
    },
  };
}

async function addWebsite(server: Server, ownerId: string): Promise<string> {
  const [row] = await server.bed.pg.sql`
    insert into websites (owner_id, url, regions) values (${ownerId}, 'https://example.com', ${[
    "local",
  ]})
    returning id`;
  return row.id;
}

function result(websiteId: string, extra: Partial<LiveResult> = {}): LiveResult {
  const now = Date.now();
  return {
    websiteId,
    region: "local",
    outcome: "up",
    httpStatus: 200,
    responseMs: 42,
    errorKind: "",
    checkedAt: now,
    scheduledAt: now,
    ...extra,
  };
}

async function publish(server: Server, ...results: LiveResult[]) {
  for (const r of results) {
    await server.bed.redis.publish(server.bed.keys.resultsChannel, JSON.stringify(r));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("a client gets its own websites' results and not another user's", async () => {
  const server = await liveServer();
  try {
    const ada = await signedIn(server, "ada");
    const bob = await signedIn(server, "bob");
    const adaSite = await addWebsite(server, ada.id);
    const bobSite = await addWebsite(server, bob.id);
    const adaBrowser = await ada.browser();
    const bobBrowser = await bob.browser();

    const subscribed = await adaBrowser.request(
      { type: "subscribe", websiteIds: [adaSite] },
      "subscribed",
    );
    assert.deepEqual(subscribed.websiteIds, [adaSite]);
    await bobBrowser.request({ type: "subscribe", websiteIds: [bobSite] }, "subscribed");

    // Ada asks for Bob's website too: refused by name, and not followed.
    const from = adaBrowser.messages.length;
    adaBrowser.send({ type: "subscribe", websiteIds: [bobSite] });
    const refused = await adaBrowser.next("error", from);
    assert.match(refused.message, new RegExp(`no website of yours with id ${bobSite}`));
    assert.deepEqual((await adaBrowser.next("subscribed", from)).websiteIds, [adaSite]);

    const adaResult = result(adaSite, { responseMs: 1 });
    const started = performance.now();
    await publish(server, adaResult, result(bobSite, { responseMs: 2 }));
    const adaGot = await adaBrowser.next("result");
    const bobGot = await bobBrowser.next("result");
    assert.ok(performance.now() - started < 1_000, "a result arrives within a second");
    assert.deepEqual(adaGot.result, adaResult);
    assert.equal(bobGot.result.websiteId, bobSite);
    await sleep(100);
    assert.deepEqual(adaBrowser.results().map((r) => r.websiteId), [adaSite]);
    assert.deepEqual(bobBrowser.results().map((r) => r.websiteId), [bobSite]);

    // After unsubscribing, nothing more arrives.
    const after = await adaBrowser.request(
      { type: "unsubscribe", websiteIds: [adaSite] },
      "subscribed",
    );
    assert.deepEqual(after.websiteIds, []);
    await publish(server, result(adaSite));
    await bobBrowser.request({ type: "ping" }, "pong");
    await sleep(100);
    assert.equal(adaBrowser.results().length, 1);

    await adaBrowser.close();
    await bobBrowser.close();
  } finally {
    await server.close();
  }
});

Deno.test("a result stored before the socket subscribed arrives with the subscription", async () => {
  const server = await liveServer();
  try {
    const ada = await signedIn(server, "ada");
    const site = await addWebsite(server, ada.id);
    const now = Math.floor(Date.now() / 1000);
    const row = (region: string, outcome: "up" | "down", at: number) =>
      checkRow(site, region, at, outcome === "up");
    // The first check landed between the page's render and its socket's subscribe; "fra"
    // checked this website before its regions were changed to "local" alone.
    await publishLiveResults(server.bed.redis, server.bed.keys, [
      row("local", "down", now - 1),
      row("fra", "up", now - 60),
    ]);
    const browser = await ada.browser();
    await browser.request({ type: "subscribe", websiteIds: [site] }, "subscribed");
    const caughtUp = browser.messages.flatMap((m) => m.type === "result" ? [m.result] : []);
    assert.deepEqual(
      caughtUp.map((r) => [r.region, r.outcome, r.scheduledAt]),
      [["local", "down", (now - 1) * 1000]],
    );
    // Subscribing again to what it already follows sends nothing more.
    await browser.request({ type: "subscribe", websiteIds: [site] }, "subscribed");
    assert.equal(browser.results().length, 1);
    await browser.close();
  } finally {
    await server.close();
  }
});

Deno.test("a late result of an older slot is relayed but leaves the newer status stored", async () => {
  const server = await liveServer();
  try {
    const ada = await signedIn(server, "ada");
    const [site, older] = [await addWebsite(server, ada.id), await addWebsite(server, ada.id)];
    const now = Math.floor(Date.now() / 1000);
    const row = (website: string, outcome: "up" | "down", at: number) =>
      checkRow(website, "local", at, outcome === "up");
    // `older` holds a status stored before the slot came first in the JSON.
    const { scheduledAt: _, ...rest } = toLiveResult(row(older, "up", now - 1));
    await server.bed.redis.hset(server.bed.keys.liveStatus(older), {
      local: JSON.stringify({ ...rest, scheduledAt: (now - 1) * 1000 }),
    });
    await publishLiveResults(server.bed.redis, server.bed.keys, [row(site, "up", now - 1)]);
    const browser = await ada.browser();
    await browser.request({ type: "subscribe", websiteIds: [site, older] }, "subscribed");
    const from = browser.messages.length;
    // A redelivered check of a minute ago: relayed as it happened, not stored as the latest.
    await publishLiveResults(server.bed.redis, server.bed.keys, [
      row(older, "down", now - 60),
      row(site, "down", now - 60),
    ]);
    const relayed = await browser.next("result", from);
    assert.deepEqual([relayed.result.outcome, relayed.result.scheduledAt], [
      "down",
      (now - 60) * 1000,
    ]);
    const latest = async (website: string) => {
      const stored = await server.bed.redis.hget(server.bed.keys.liveStatus(website), "local");
      const { outcome, scheduledAt } = JSON.parse(stored!);
      return [outcome, scheduledAt];
    };
    assert.deepEqual(await latest(site), ["up", (now - 1) * 1000]);
    assert.deepEqual(await latest(older), ["up", (now - 1) * 1000]);
    // The next slot replaces it.
    await publishLiveResults(server.bed.redis, server.bed.keys, [row(older, "down", now)]);
    assert.deepEqual(await latest(older), ["down", now * 1000]);
    await browser.close();
  } finally {
    await server.close();
  }
});

Deno.test("an anonymous client may not follow a private website", async () => {
  const server = await liveServer();
  try {
    const owner = await signedIn(server, "owner");
    const site = await addWebsite(server, owner.id);
    const anonymous = new Browser(server.url);
    await anonymous.opened;
    const error = await anonymous.request({ type: "subscribe", websiteIds: [site] }, "error");
    assert.match(error.message, /sign in to follow websites by id/);
    assert.deepEqual((await anonymous.next("subscribed")).websiteIds, []);
    await publish(server, result(site));
    await anonymous.request({ type: "ping" }, "pong");
    await sleep(100);
    assert.deepEqual(anonymous.results(), []);

    // A stale or forged cookie is the same as none.
    const forged = new Browser(server.url, { cookie: "uptime_session=forged" });
    await forged.opened;
    assert.match(
      (await forged.request({ type: "subscribe", websiteIds: [site] }, "error")).message,
      /sign in/,
    );
    await anonymous.close();
    await forged.close();
  } finally {
    await server.close();
  }
});

Deno.test("anyone may follow the websites of a status page by its slug", async () => {
  const server = await liveServer();
  try {
    const owner = await signedIn(server, "owner");
    const shown = await addWebsite(server, owner.id);
    const hidden = await addWebsite(server, owner.id);
    const [page] = await server.bed.pg.sql`
      insert into status_pages (owner_id, slug, title) values (${owner.id}, 'acme', 'Acme')
      returning id`;
    await server.bed.pg.sql`
      insert into status_page_websites (status_page_id, website_id) values (${page.id}, ${shown})`;

    const anonymous = new Browser(server.url);
    await anonymous.opened;
    const subscribed = await anonymous.request(
      { type: "subscribe", statusPage: "acme" },
      "subscribed",
    );
    assert.deepEqual(subscribed, { type: "subscribed", websiteIds: [shown], statusPage: "acme" });
    const down = result(shown, { outcome: "down", httpStatus: 503, errorKind: "http_status" });
    await publish(server, result(hidden), down);
    const got = await anonymous.next("page-result");
    // Only what the page shows: never the status code, response time or error kind.
    assert.deepEqual(got.result, {
      websiteId: shown,
      region: down.region,
      outcome: "down",
      degraded: false,
      checkedAt: down.checkedAt,
    });
    assert.ok(!anonymous.messages.some((m) => m.type === "result"));
    // The raw frame holds nothing more than the parsed one.
    assert.ok(
      !anonymous.raw.some((frame) => /httpStatus|responseMs|errorKind|scheduledAt/.test(frame)),
    );

    const missing = await anonymous.request({ type: "subscribe", statusPage: "nope" }, "error");
    assert.match(missing.message, /no status page "nope"/);
    await sleep(100);
    assert.deepEqual(anonymous.results().map((r) => r.websiteId), [shown]);
    await anonymous.close();
  } finally {
    await server.close();
  }
});

Deno.test("malformed messages get errors, the server keeps serving, abuse is cut off", async () => {
  const server = await liveServer();
  try {
    const user = await signedIn(server, "fuzz");
    const site = await addWebsite(server, user.id);
    const browser = await user.browser();
    const cases: [unknown, RegExp][] = [
      ["not json", /not valid JSON/],
      [{ type: "dance" }, /type: expected "subscribe"/],
      [[1, 2], /expected an object/],
      [{ type: "subscribe", websiteIds: ["1; drop table websites"] }, /websiteIds: expected UUIDs/],
      [{ type: "subscribe", websiteIds: "x".repeat(100) }, /websiteIds/],
      [{ type: "subscribe", statusPage: "<script>" }, /statusPage: expected a status page slug/],
      [{
        type: "subscribe",
        websiteIds: Array.from({ length: 501 }, () => crypto.randomUUID()),
      }, /at most 500/],
      ["x".repeat(70_000), /over 65536 bytes/],
    ];
    for (const [message, expected] of cases) {
      const error = await browser.request(message, "error");
      assert.match(error.message, expected);
    }
    const from = browser.messages.length;
    browser.socket.send(new Uint8Array([1, 2, 3]));
    assert.match((await browser.next("error", from)).message, /expected a JSON text message/);

    // Still serving this socket and others.
    await browser.request({ type: "ping" }, "pong");
    await browser.request({ type: "subscribe", websiteIds: [site] }, "subscribed");
    await publish(server, result(site));
    await browser.next("result");

    // One more strike reaches the limit: closed with 1008 (policy violation). (A second
    // one sent at once raced the close: now and then the socket ended without its code.)
    assert.equal(cases.length + 1, MAX_INVALID_MESSAGES - 1);
    browser.send("{");
    const closed = await browser.closed;
    assert.equal(closed.code, 1008);
    const again = await user.browser();
    await again.request({ type: "ping" }, "pong");
    await again.close();
  } finally {
    await server.close();
  }
});

Deno.test("a WebSocket upgrade from another origin is refused", async () => {
  const server = await liveServer();
  try {
    const user = await signedIn(server, "origin");
    const evil = new Browser(server.url, { cookie: user.cookie, origin: "https://evil.example" });
    await assert.rejects(evil.opened);
    await evil.closed;
    const own = new Browser(server.url, { cookie: user.cookie, origin: server.url });
    await own.opened;
    await own.close();
    const plain = await fetch(`${server.url}/api/ws`);
    assert.equal(plain.status, 426);
    await plain.body?.cancel();
  } finally {
    await server.close();
  }
});

Deno.test("keepalive: the server pings, and drops a socket that stops answering", async () => {
  const server = await liveServer({ pingIntervalMs: 100 });
  try {
    const answering = new Browser(server.url);
    const silent = new Browser(server.url);
    await Promise.all([answering.opened, silent.opened]);
    answering.socket.addEventListener("message", (event) => {
      if (JSON.parse(event.data).type === "ping") answering.send({ type: "pong" });
    });
    await silent.next("ping");
    const closed = await silent.closed;
    assert.equal(closed.code, 1001);
    await sleep(300);
    assert.equal(answering.socket.readyState, WebSocket.OPEN);
    assert.ok(answering.messages.filter((m) => m.type === "ping").length >= 3);
    assert.equal(liveHub(server.services).size, 1);
    await answering.close();
  } finally {
    await server.close();
  }
});

Deno.test("a client that does not read is closed with 1013 instead of buffering", () => {
  const sent: string[] = [];
  const closes: number[] = [];
  const socket = {
    readyState: WebSocket.OPEN,
    bufferedAmount: 0,
    send: (frame: string) => sent.push(frame),
    close: (code: number) => closes.push(code),
  } as unknown as WebSocket & { bufferedAmount: number };
  const detached: unknown[] = [];
  const hub = {
    options: { maxBufferedBytes: 1024 * 1024, pingIntervalMs: 25_000 },
    attach() {},
    detach: (s: unknown) => detached.push(s),
    follow() {},
  };
  // deno-lint-ignore no-explicit-any
  const session = new LiveSession(socket, hub as any, {} as any, null);
  session.deliver("a");
  Object.defineProperty(socket, "bufferedAmount", { value: 2 * 1024 * 1024 });
  session.deliver("b");
  session.deliver("c");
  assert.deepEqual(sent, ["a"]);
  assert.deepEqual(closes, [1013]);
  assert.equal(detached.length, 1);
});

Deno.test("a slow client is dropped, and the others still get every result", async () => {
  const server = await liveServer({ maxBufferedBytes: 256 * 1024 });
  const slow = await Deno.connect({
    hostname: "127.0.0.1",
    port: Number(new URL(server.url).port),
  });
  try {
    const owner = await signedIn(server, "slow");
    const site = await addWebsite(server, owner.id);
    const [page] = await server.bed.pg.sql`
      insert into status_pages (owner_id, slug, title) values (${owner.id}, 'slow', 'Slow')
      returning id`;
    await server.bed.pg.sql`
      insert into status_page_websites (status_page_id, website_id) values (${page.id}, ${site})`;
    const hub = liveHub(server.services);

    // A raw client: handshake, one subscribe frame, then it never reads again.
    await slow.write(new TextEncoder().encode(
      "GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    ));
    await slow.read(new Uint8Array(1024));
    const payload = new TextEncoder().encode(
      JSON.stringify({ type: "subscribe", statusPage: "slow" }),
    );
    // FIN + text; masked (clients must mask) with a zero key, so the payload is as is.
    await slow.write(new Uint8Array([0x81, 0x80 | payload.length, 0, 0, 0, 0, ...payload]));
    const reader = new Browser(server.url);
    await reader.opened;
    await reader.request({ type: "subscribe", statusPage: "slow" }, "subscribed");
    while (hub.followedWebsites === 0 || hub.size < 2) await sleep(10);

    // Batches the reader keeps up with, until the slow client's unsent bytes pass the
    // limit (after the kernel's socket buffers, a few MB, are full).
    const message = JSON.stringify(result(site));
    const deadline = Date.now() + 20_000;
    let published = 0;
    while (hub.size > 1) {
      if (Date.now() > deadline) throw new Error(`still ${hub.size} sockets after ${published}`);
      const pipeline = server.bed.redis.pipeline();
      for (let i = 0; i < 500; i++) pipeline.publish(server.bed.keys.resultsChannel, message);
      await pipeline.exec();
      published += 500;
      while (reader.results().length < published && Date.now() < deadline) await sleep(5);
    }
    assert.equal(reader.results().length, published);
    assert.equal(hub.size, 1);
    assert.equal(hub.followedWebsites, 1);
    await reader.close();
  } finally {
    slow.close();
    await server.close();
  }
});

Deno.test("the client helper re-subscribes after the server drops it", async () => {
  const server = await liveServer();
  try {
    const user = await signedIn(server, "helper");
    const site = await addWebsite(server, user.id);
    const received: LiveResult[] = [];
    const subscriptions: string[][] = [];
    const live = connectLive({
      baseUrl: server.url,
      websiteIds: [site],
      minDelayMs: 50,
      maxDelayMs: 200,
      createSocket: (url) => new DenoWebSocket(url, { headers: { cookie: user.cookie } }),
      onResult: (r) => received.push(r),
      onSubscribed: (s) => subscriptions.push(s.websiteIds),
    });
    const until = async (done: () => boolean) => {
      const deadline = Date.now() + 3_000;
      while (!done()) {
        if (Date.now() > deadline) throw new Error("timed out");
        await sleep(20);
      }
    };
    await until(() => subscriptions.length === 1);
    await publish(server, result(site, { responseMs: 1 }));
    await until(() => received.length === 1);

    // Every socket closes (as in a deploy); the helper comes back on its own.
    await closeLiveHub(server.services);
    await until(() => subscriptions.length === 2);
    assert.deepEqual(subscriptions[1], [site]);
    await publish(server, result(site, { responseMs: 2 }));
    await until(() => received.length === 2);
    assert.deepEqual(received.map((r) => r.responseMs), [1, 2]);
    live.close();
    assert.equal(live.state, "closed");
  } finally {
    await server.close();
  }
});

Deno.test("one web process holds 1,000 sockets and one publish reaches them all", async () => {
  // All from 127.0.0.1: lift the per-address cap for this test.
  const server = await apiServer({ LIVE_SOCKETS_PER_ADDRESS: "1000" });
  try {
    const user = await signedIn(server, "many");
    const site = await addWebsite(server, user.id);
    const [page] = await server.bed.pg.sql`
      insert into status_pages (owner_id, slug, title) values (${user.id}, 'many', 'Many')
      returning id`;
    await server.bed.pg.sql`
      insert into status_page_websites (status_page_id, website_id) values (${page.id}, ${site})`;
    const started = performance.now();
    const browsers: Browser[] = [];
    // Half signed in by id, half anonymous by status page; opened in batches of 100.
    for (let batch = 0; batch < 10; batch++) {
      const opened = Array.from({ length: 100 }, async (_, i) => {
        const signed = (batch * 100 + i) % 2 === 0;
        const browser = new Browser(server.url, signed ? { cookie: user.cookie } : {});
        await browser.opened;
        await browser.request(
          signed
            ? { type: "subscribe", websiteIds: [site] }
            : { type: "subscribe", statusPage: "many" },
          "subscribed",
        );
        return browser;
      });
      browsers.push(...await Promise.all(opened));
    }
    const hub = liveHub(server.services);
    assert.equal(hub.size, 1_000);
    const connectedMs = performance.now() - started;

    const published = performance.now();
    await publish(server, result(site));
    await Promise.all(
      browsers.map((b, i) => b.next(i % 2 === 0 ? "result" : "page-result", 0, 5_000)),
    );
    const fanOutMs = performance.now() - published;
    assert.ok(fanOutMs < 1_000, `one publish reached 1,000 sockets in ${fanOutMs} ms`);

    await Promise.all(browsers.map((b) => b.close()));
    await sleep(50);
    assert.equal(hub.size, 0);
    assert.equal(hub.followedWebsites, 0);
    console.log(
      `1,000 sockets: connected and subscribed in ${connectedMs.toFixed(0)} ms, ` +
        `fan-out to all in ${fanOutMs.toFixed(1)} ms`,
    );
  } finally {
    await server.close();
  }
});

Deno.test("after a logout or a deleted website, the socket stops receiving", async () => {
  const server = await liveServer({ pingIntervalMs: 100 });
  try {
    const owner = await server.user("leaver");
    const cookie = `uptime_session=${owner.jar.get("uptime_session")}`;
    const kept = await addWebsite(server, owner.user.id);
    const removed = await addWebsite(server, owner.user.id);
    const browser = new Browser(server.url, { cookie });
    await browser.opened;
    // Answers the server's pings, as the client helper does.
    const answering = setInterval(() => browser.send({ type: "pong" }), 50);
    try {
      await browser.request({ type: "subscribe", websiteIds: [kept, removed] }, "subscribed");
      await server.bed.pg.sql`delete from websites where id = ${removed}`;
      // The next check of access drops the deleted website.
      const update = await browser.next("subscribed", browser.messages.length);
      assert.deepEqual(update.websiteIds, [kept]);
      await owner.api.user.logout.mutate();
      const closed = await browser.closed;
      assert.equal(closed.code, 1008);
      assert.match(closed.reason, /session ended/);
    } finally {
      clearInterval(answering);
    }
  } finally {
    await server.close();
  }
});
