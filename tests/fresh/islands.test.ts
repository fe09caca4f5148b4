import assert from "node:assert/strict";
import { captureErrors, islandData, request } from "./helpers.ts";

Deno.test("islands render on the server inside markers, with their props shipped", async () => {
  const { body } = await request("/islands");
  assert.match(
    body,
    /<fresh-island data-fresh-island="0"><div><button id="increment"[^>]*>Add one<\/button><span id="counter-value">3<\/span>/,
  );
  assert.match(body, /<fresh-island data-fresh-island="1"><p id="display">/);
  const data = islandData(body);
  assert.equal(data.islands.length, 3);
  assert.deepEqual(data.islands.map((i) => i.exportName), ["default", "default", "Card"]);
  assert.match(data.islands[0].chunk, /^\/_fresh\/js\/island-Counter-[A-Z0-9]+\.js$/);
  assert.equal(data.islands[0].props.label, "Add one");
  assert.deepEqual(data.islands[1].props.since, { $$f: "D", v: Date.UTC(2024, 4, 6, 7, 8, 9) });
});

Deno.test("a signal passed to two islands is sent once and referenced by both", async () => {
  const data = islandData((await request("/islands")).body);
  assert.deepEqual(data.signals, [3]);
  assert.deepEqual(data.islands[0].props.count, { $$f: "s", i: 0 });
  assert.deepEqual(data.islands[1].props.count, { $$f: "s", i: 0 });
});

Deno.test("JSX children of an island render on the server in a slot", async () => {
  const { body } = await request("/islands");
  assert.match(
    body,
    /<fresh-slot><strong id="server-child">rendered on the server<\/strong><\/fresh-slot>/,
  );
  assert.equal(islandData(body).islands[2].slot, true);
  assert.equal(islandData(body).islands[2].props.children, undefined);
});

Deno.test("the page loads one runtime script, with the page's nonce", async () => {
  const { body } = await request("/islands");
  const scripts = body.match(/<script\b[^>]*>/g)!;
  assert.equal(scripts.length, 2);
  assert.match(
    scripts[1],
    /^<script type="module" nonce="[^"]+" src="\/_fresh\/js\/runtime-\w+\.js">$/,
  );
});

Deno.test("a page without islands ships no script tag at all", async () => {
  for (const path of ["/", "/about", "/blog/1", "/table"]) {
    const { body } = await request(path);
    assert.doesNotMatch(body, /<script/i, path);
    assert.doesNotMatch(body, /fresh-island/, path);
  }
});

Deno.test("a function prop fails the render with an error naming island and prop", async () => {
  let status = 0;
  const logged = await captureErrors(async () => {
    status = (await request("/bad-island")).res.status;
  });
  assert.equal(status, 500);
  assert.equal(logged.length, 1);
  assert.match(
    logged[0],
    /Island \\"Fn\\" cannot receive prop \\"onPick\\": functions cannot be sent/,
  );
});

Deno.test("only the CSS rules a page uses are inlined in its head", async () => {
  const home = (await request("/")).body;
  const css = /<style nonce="[^"]+">(.*?)<\/style>/s.exec(home)![1];
  assert.match(css, /\.text-sky-700\{/);
  assert.match(css, /\.text-3xl\{/);
  assert.doesNotMatch(css, /\.text-green-700\{/);
  const table = /<style nonce="[^"]+">(.*?)<\/style>/s.exec((await request("/table")).body)![1];
  assert.match(table, /\.text-green-700\{/);
  assert.doesNotMatch(table, /\.text-sky-700\{/);
});
