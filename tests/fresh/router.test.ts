import assert from "node:assert/strict";
import { compareSpecificity, matchSegments, parseSegment, Router } from "../../fresh/router.ts";

const pattern = (path: string) => path.split("/").filter(Boolean).map((s) => parseSegment(s, "t"));
const parts = (path: string) => path.split("/").filter(Boolean);

Deno.test("static segments beat params, params beat optional, optional beats rest", () => {
  const router = new Router<string>();
  for (const p of ["/blog/[...rest]", "/blog/[[page]]", "/blog/[id]", "/blog/new"]) {
    router.add(pattern(p), p);
  }
  assert.equal(router.match(parts("/blog/new"))?.value, "/blog/new");
  assert.equal(router.match(parts("/blog/42"))?.value, "/blog/[id]");
  assert.equal(router.match(parts("/blog"))?.value, "/blog/[[page]]");
  assert.equal(router.match(parts("/blog/a/b"))?.value, "/blog/[...rest]");
});

Deno.test("a decoded slash inside a segment does not match a static route", () => {
  const router = new Router<string>();
  for (const p of ["/blog/new", "/[slug]"]) router.add(pattern(p), p);
  assert.equal(router.match(["blog/new"])?.value, "/[slug]");
  assert.equal(router.match(["blog", "new"])?.value, "/blog/new");
});

Deno.test("an earlier static segment outranks a later one", () => {
  assert.ok(compareSpecificity(pattern("/x/[b]"), pattern("/[a]/x")) < 0);
});

Deno.test("params are decoded and rest params join their segments", () => {
  assert.deepEqual(matchSegments(pattern("/u/[name]"), ["a b"]), null);
  assert.deepEqual(matchSegments(pattern("/u/[name]"), ["u", "a b"]), { name: "a b" });
  assert.deepEqual(matchSegments(pattern("/f/[...path]/edit"), ["f", "a", "b", "edit"]), {
    path: "a/b",
  });
});

Deno.test("two files answering the same pattern are refused", () => {
  const router = new Router<string>();
  router.add(pattern("/a/[id]"), "one");
  assert.throws(() => router.add(pattern("/a/[slug]"), "two"), /Two routes answer the same paths/);
});

Deno.test("a segment mixing text and brackets is refused with the rule", () => {
  assert.throws(() => parseSegment("post-[id]", "routes/post-[id].tsx"), /mixes text and brackets/);
});
