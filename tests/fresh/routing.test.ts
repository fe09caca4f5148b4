import assert from "node:assert/strict";
import { request } from "./helpers.ts";

const pageText = (html: string) => /<p id="page">(.*?)<\/p>/.exec(html)?.[1];

Deno.test("index answers its folder, a file its name", async () => {
  assert.match((await request("/")).body, /<h1[^>]*>Home<\/h1>/);
  assert.match((await request("/about")).body, /id="about"/);
  assert.equal(pageText((await request("/blog")).body), "blog index");
  assert.equal(pageText((await request("/blog/")).body), "blog index");
});

Deno.test("static beats param beats rest", async () => {
  assert.equal(pageText((await request("/blog/new")).body), "static new");
  assert.equal(pageText((await request("/blog/42")).body), "param 42");
  assert.equal(pageText((await request("/blog/2024/05/hello")).body), "rest 2024/05/hello");
});

Deno.test("[[optional]] matches with and without its segment", async () => {
  assert.equal(pageText((await request("/docs")).body), "docs (none)");
  assert.equal(pageText((await request("/docs/intro")).body), "docs intro");
});

Deno.test("(group) folders add no segment but apply their layout; (_private) is not routed", async () => {
  const { res, body } = await request("/pricing");
  assert.equal(res.status, 200);
  assert.match(body, /<div id="marketing-layout"><p id="page">pricing<\/p><\/div>/);
  assert.equal((await request("/Hidden")).res.status, 404);
  assert.equal((await request("/(_components)/Hidden")).res.status, 404);
});

Deno.test("_app wraps nested _layouts, outermost first", async () => {
  const { body } = await request("/blog/new");
  assert.match(
    body,
    /<body class="bg-gray-50"><div id="root-layout"><section id="blog-layout"><p id="page">static new/,
  );
});

Deno.test("nested _middleware runs root first, and a middleware file may export an array", async () => {
  assert.equal((await request("/blog/1")).res.headers.get("x-trail"), "root,blog1,blog2");
  assert.equal((await request("/about")).res.headers.get("x-trail"), "root");
});

Deno.test("handler objects answer per method; HEAD comes from GET", async () => {
  const get = await request("/api/items");
  assert.deepEqual(JSON.parse(get.body), { items: ["a", "b"], trail: ["root"] });
  assert.equal((await request("/api/items", { method: "POST" })).res.status, 201);

  const head = await request("/api/items", { method: "HEAD" });
  assert.equal(head.res.status, 200);
  assert.equal(head.body, "");
  assert.equal(head.res.headers.get("content-type"), "application/json");
});

Deno.test("a method without a handler is 405 with Allow", async () => {
  const put = await request("/api/items", { method: "PUT" });
  assert.equal(put.res.status, 405);
  assert.equal(put.res.headers.get("allow"), "GET, POST, HEAD");
  const post = await request("/about", { method: "POST" });
  assert.equal(post.res.status, 405);
  assert.equal(post.res.headers.get("allow"), "GET, HEAD");
});

Deno.test("a handler function answers every method", async () => {
  assert.equal((await request("/api/any", { method: "DELETE" })).body, "method DELETE");
});

Deno.test("page(data, { status, headers }) reaches an async page component", async () => {
  const { res, body } = await request("/data/7");
  assert.equal(res.status, 201);
  assert.equal(res.headers.get("x-from"), "handler");
  assert.equal(pageText(body), "data 7 from handler");
});

Deno.test("async page components render", async () => {
  assert.equal(pageText((await request("/async")).body), "async loaded");
});

Deno.test("ctx.render wraps JSX in the layouts with the given status", async () => {
  const { res, body } = await request("/rendered");
  assert.equal(res.status, 202);
  assert.match(body, /<div id="root-layout"><p id="page">rendered by ctx.render/);
});

Deno.test("config.skipAppWrapper and skipInheritedLayouts leave a bare page", async () => {
  const { body } = await request("/bare");
  assert.doesNotMatch(body, /root-layout|<title>Fixture/);
  assert.match(body, /<p id="page">bare<\/p>/);
});

Deno.test("an unknown path is the _error page with 404", async () => {
  const { res, body } = await request("/no/such/page");
  assert.equal(res.status, 404);
  assert.match(body, /<h1>Page not found<\/h1>/);
  assert.match(body, /root-layout/);
});

Deno.test("an HttpError thrown by a handler sets the _error page status", async () => {
  const { res, body } = await request("/forbidden");
  assert.equal(res.status, 403);
  assert.match(body, /Error 403/);
});
