import assert from "node:assert/strict";
import { sameSiteLocation } from "../../fresh/mod.ts";
import { HttpError } from "../../fresh/mod.ts";
import { request } from "./helpers.ts";

Deno.test("HTML pages get a nonce CSP that matches their scripts and style", async () => {
  const { res, body } = await request("/islands");
  const csp = res.headers.get("content-security-policy")!;
  const nonce = /script-src 'nonce-([^']+)'/.exec(csp)![1];
  assert.match(csp, new RegExp(`style-src 'self' 'nonce-${nonce.replace(/[+/=]/g, "\\$&")}'`));
  assert.match(csp, /frame-ancestors 'none'/);
  assert.match(csp, /object-src 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  for (const tag of body.match(/<(script|style)\b[^>]*>/g)!) {
    assert.ok(tag.includes(`nonce="${nonce}"`), tag);
  }
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  assert.equal(res.headers.get("x-frame-options"), "DENY");
  assert.equal(res.headers.get("referrer-policy"), "strict-origin-when-cross-origin");
});

Deno.test("every response gets a new nonce", async () => {
  const a = (await request("/")).res.headers.get("content-security-policy");
  const b = (await request("/")).res.headers.get("content-security-policy");
  assert.notEqual(a, b);
});

Deno.test("ctx.redirect keeps protocol-relative paths on this site", async () => {
  for (
    const [to, location] of [["//evil.com", "/evil.com"], ["/\\evil.com", "/evil.com"], [
      "/a//b?next=//x",
      "/a/b?next=//x",
    ]]
  ) {
    const { res } = await request(`/redirect?to=${encodeURIComponent(to)}`);
    assert.equal(res.status, 302);
    assert.equal(res.headers.get("location"), location, to);
  }
});

Deno.test("ctx.redirect refuses absolute URLs to other hosts with a 400", async () => {
  for (
    const to of [
      "https://evil.com/",
      "http://localhost.evil.com",
      "javascript:alert(1)",
      "/\t/evil.com",
    ]
  ) {
    const { res } = await request(`/redirect?to=${encodeURIComponent(to)}`);
    assert.equal(res.status, 400, to);
    assert.equal(res.headers.get("location"), null);
  }
  assert.equal(
    sameSiteLocation("http://localhost/ok", new URL("http://localhost/here")),
    "http://localhost/ok",
  );
  assert.equal(sameSiteLocation("settings", new URL("http://localhost/a/")), "settings");
  assert.throws(() => sameSiteLocation("https:evil.com", new URL("http://localhost/")), HttpError);
});
