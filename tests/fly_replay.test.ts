import assert from "node:assert/strict";
import { flyReplay } from "../web/fly_replay.ts";
import { pipelineBed } from "./helpers/pipeline.ts";
import { freePort, spawnProcess } from "./helpers/processes.ts";

const outside = { region: "iad", primaryRegion: "ams", onFly: true };
const url = "https://uptime.example/api/trpc/website.create";

/** A request as Fly's proxy hands it to a machine in iad. */
function fromFly(method: string, headers: Record<string, string> = {}, path = url): Request {
  return new Request(path, {
    method,
    headers: { "fly-region": "iad", "fly-client-ip": "203.0.113.7", ...headers },
    body: method === "GET" || method === "HEAD" ? undefined : "{}",
  });
}

Deno.test("a write that lands outside the primary region is replayed there", () => {
  for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
    const response = flyReplay(fromFly(method), outside);
    assert.ok(response, method);
    assert.equal(response.headers.get("fly-replay"), "region=ams");
  }
});

Deno.test("a form post (log in) outside the primary region is replayed", () => {
  const req = fromFly(
    "POST",
    { "content-type": "application/x-www-form-urlencoded" },
    "https://uptime.example/login",
  );
  assert.equal(flyReplay(req, outside)?.headers.get("fly-replay"), "region=ams");
});

Deno.test("reads are served in the region that received them", () => {
  for (const method of ["GET", "HEAD", "OPTIONS"]) {
    assert.equal(flyReplay(fromFly(method), outside), null, method);
  }
  // A tRPC query and the WebSocket upgrade are GETs.
  const upgrade = fromFly(
    "GET",
    { upgrade: "websocket", connection: "Upgrade" },
    "https://uptime.example/api/ws",
  );
  assert.equal(flyReplay(upgrade, outside), null);
});

Deno.test("a request Fly has replayed once is never replayed again", () => {
  const replayed = fromFly("POST", {
    "fly-replay-src": "instance=3d8d9e6b4c7218;region=iad;t=1764615600000",
    "fly-region": "ams",
  });
  assert.equal(flyReplay(replayed, outside), null);
});

Deno.test("in the primary region, and off Fly, every request is served where it lands", () => {
  assert.equal(flyReplay(fromFly("POST"), { ...outside, region: "ams" }), null);
  assert.equal(flyReplay(fromFly("POST"), { ...outside, onFly: false }), null);
  assert.equal(flyReplay(fromFly("POST"), { ...outside, primaryRegion: null }), null);
});

Deno.test("web in iad replays a log-in post to ams, and serves the replayed one", async () => {
  const bed = await pipelineBed();
  const port = freePort();
  const web = spawnProcess("web/main.ts", {
    ...bed.env,
    PORT: String(port),
    FLY_REGION: "iad",
    PRIMARY_REGION: "ams",
    FLY_ALLOC_ID: "3d8d9e6b4c7218",
  });
  const login = (headers: Record<string, string>) =>
    fetch(`http://127.0.0.1:${port}/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: "email=a%40example.com&password=wrong-password",
      redirect: "manual",
    });
  try {
    await web.waitFor("web.started", 60_000);
    const first = await login({ "fly-region": "iad" });
    await first.body?.cancel();
    assert.equal(first.headers.get("fly-replay"), "region=ams");
    const replayed = await login({
      "fly-region": "ams",
      "fly-replay-src": "instance=3d8d9e6b4c7218;region=iad;t=1764615600000",
    });
    await replayed.body?.cancel();
    assert.equal(replayed.headers.get("fly-replay"), null);
    assert.notEqual(replayed.status, 409);
    const page = await fetch(`http://127.0.0.1:${port}/login`);
    await page.body?.cancel();
    assert.equal(page.status, 200, "a read is served in iad");
  } finally {
    await web.stop();
    await bed.close();
  }
});
