import assert from "node:assert/strict";
import { join } from "node:path";
import { StaticFiles } from "../../fresh/static_files.ts";
import { FIXTURES, request } from "./helpers.ts";

const pageCss = (html: string) => /<style nonce="[^"]+">(.*?)<\/style>/s.exec(html)![1];

Deno.test("classes from templates, dynamic attributes, spread props and signals all get CSS", async () => {
  const { body } = await request("/styled");
  const css = pageCss(body);
  assert.match(css, /\.bg-gray-50\{/); // static, in _app's template
  assert.match(css, /\.text-lg\{/); // class={expression}
  assert.doesNotMatch(css, /\.text-xs\{/);
  assert.match(css, /\.italic\{/); // <p {...spread}>, not a template
  assert.match(css, /\.text-amber-600\{/); // class={signal}
});

Deno.test("grouped classes are expanded in the HTML and styled", async () => {
  const { body } = await request("/styled");
  assert.match(body, /<a id="grouped" href="\/" class="hover:font-bold hover:underline">/);
  assert.match(pageCss(body), /\.hover\\:underline:hover\{/);
});

Deno.test("two renders of one page get the same CSS and each its own nonce", async () => {
  const [a, b] = [(await request("/table")).body, (await request("/table")).body];
  assert.equal(pageCss(a), pageCss(b));
  assert.notEqual(/nonce="([^"]+)"/.exec(a)![1], /nonce="([^"]+)"/.exec(b)![1]);
});

Deno.test("production static files: listed files served, other paths left to routes", async () => {
  const files = new StaticFiles(join(FIXTURES, "static"));
  const serve = async (path: string) =>
    await files.serve(new Request(`http://localhost${path}`), new URL(`http://localhost${path}`));
  assert.equal(await (await serve("/hello.txt"))!.text(), "hello static\n");
  assert.match(await (await serve("/img/dot.svg"))!.text(), /<svg/);
  assert.equal(await (await serve("//hello.txt"))!.text(), "hello static\n");
  assert.equal(await serve("/table"), null);
  assert.equal(await serve("/hello.txt.bak"), null);
  assert.equal(await serve("/%2e%2e/fixtures/utils.ts"), null);
});
