import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildProject, createFreshProject } from "../../fresh/mod.ts";
import { buildClient, loadClientBuild, writeClientBuild } from "../../fresh/bundle.ts";
import { FIXTURES, islandData, request } from "./helpers.ts";

Deno.test("bundles are served under hashed URLs as immutable JavaScript", async () => {
  const { body } = await request("/islands");
  const runtime = /src="(\/_fresh\/js\/runtime-\w+\.js)"/.exec(body)![1];
  const res = await request(runtime);
  assert.equal(res.res.status, 200);
  assert.equal(res.res.headers.get("cache-control"), "public, max-age=31536000, immutable");
  assert.equal(res.res.headers.get("content-type"), "text/javascript; charset=utf-8");
  assert.match(res.body, /__FRSH_STATE/);
  for (const island of islandData(body).islands) {
    assert.equal((await request(island.chunk)).res.status, 200, island.chunk);
  }
  assert.equal((await request("/_fresh/js/nope.js")).res.status, 404);
});

Deno.test("island chunks share Preact through a common chunk instead of each bundling it", async () => {
  const data = islandData((await request("/islands")).body);
  const counter = (await request(data.islands[0].chunk)).body;
  const display = (await request(data.islands[1].chunk)).body;
  assert.match(counter, /from\s*"\.\/chunk-\w+\.js"/);
  assert.ok(counter.length < 4000, `Counter chunk is ${counter.length} bytes`);
  assert.ok(display.length < 4000, `Display chunk is ${display.length} bytes`);
});

Deno.test("static files carry an ETag and answer 304 when it matches", async () => {
  const first = await request("/hello.txt");
  assert.equal(first.res.status, 200);
  assert.equal(first.body, "hello static\n");
  assert.equal(first.res.headers.get("content-type"), "text/plain; charset=utf-8");
  const etag = first.res.headers.get("etag")!;
  assert.match(etag, /^"[0-9a-f]{32}"$/);
  const again = await request("/hello.txt", { headers: { "if-none-match": etag } });
  assert.equal(again.res.status, 304);
  assert.equal(again.body, "");
  assert.equal((await request("/img/dot.svg")).res.headers.get("content-type"), "image/svg+xml");
  assert.equal((await request("/../fixtures/utils.ts")).res.status, 404);
});

Deno.test("a production build is written ahead of time, minified, and served from disk", async () => {
  const outDir = await Deno.makeTempDir();
  try {
    const files = await buildProject({ root: FIXTURES, outDir });
    assert.ok(files.includes("manifest.json"));
    const prod = await createFreshProject({ root: FIXTURES, dev: false, buildDir: outDir });
    const page = await (await prod.handler(new Request("http://localhost/islands"))).text();
    const runtime = /src="\/_fresh\/js\/(runtime-\w+\.js)"/.exec(page)![1];
    assert.ok(files.includes(runtime), "the page uses the prebuilt runtime");
    const code = await Deno.readTextFile(join(outDir, runtime));
    assert.ok(code.split("\n").length < 10, "minified");
    await prod.close();
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("a module an island imports dynamically is no island: a production build stays valid", async () => {
  const root = fileURLToPath(new URL("./fixtures_lazy/", import.meta.url));
  const islandsDir = join(root, "islands");
  const outDir = await Deno.makeTempDir();
  try {
    const build = await buildClient({
      root,
      islandsDir,
      twindConfig: fileURLToPath(new URL("../../fresh/twind_config.ts", import.meta.url)),
      dev: false,
    });
    await writeClientBuild(build, outDir);
    const loaded = await loadClientBuild(outDir, root, islandsDir);
    assert.ok(loaded, "the written build covers exactly the islands");
    assert.deepEqual([...loaded.assets.chunks.keys()], [join(islandsDir, "Lazy.tsx")]);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});
