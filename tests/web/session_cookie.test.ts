import assert from "node:assert/strict";
import { readSessionCookie, sessionCookie } from "../../web/trpc/cookies.ts";

Deno.test("over https the session cookie is __Host- prefixed, and only that one is read", () => {
  const cookie = sessionCookie("tok", true);
  assert.match(cookie, /^__Host-uptime_session=tok; Path=\/; HttpOnly; SameSite=Lax; .*Secure/);
  assert.doesNotMatch(cookie, /Domain=/);
  assert.match(sessionCookie("tok", false), /^uptime_session=tok;/);

  const https = (cookie: string) => new Request("https://app.example/", { headers: { cookie } });
  assert.equal(readSessionCookie(https("__Host-uptime_session=good")), "good");
  // A plain cookie over https may have been planted by a sibling domain: ignored.
  assert.equal(readSessionCookie(https("uptime_session=planted")), undefined);
  const http = new Request("http://localhost/", { headers: { cookie: "uptime_session=dev" } });
  assert.equal(readSessionCookie(http), "dev");
});
