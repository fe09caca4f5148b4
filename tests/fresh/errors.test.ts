import assert from "node:assert/strict";
import { captureErrors, request } from "./helpers.ts";

for (const path of ["/boom", "/boom-handler"]) {
  Deno.test(`an error thrown in ${path} is the 500 _error page, logged once with a request id`, async () => {
    let status = 0;
    let body = "";
    const logged = await captureErrors(async () => {
      const result = await request(path);
      status = result.res.status;
      body = result.body;
    });
    assert.equal(status, 500);
    assert.match(body, /<h1>Error 500<\/h1>/);
    assert.doesNotMatch(body, /exploded|at file:|\.tsx:\d+/);
    assert.equal(logged.length, 1);
    const line = JSON.parse(logged[0]);
    assert.equal(line.event, "web.request_failed");
    assert.match(line.requestId, /^[0-9a-f-]{36}$/);
    assert.equal(line.path, path);
    assert.match(line.error.message, /exploded/);
  });
}

Deno.test("404s are not logged as errors", async () => {
  const logged = await captureErrors(async () => {
    assert.equal((await request("/missing")).res.status, 404);
  });
  assert.deepEqual(logged, []);
});
