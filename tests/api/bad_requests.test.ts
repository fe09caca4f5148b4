/**
 * Requests the API cannot serve at all: a method it does not speak, input that is not
 * JSON. Each answer is a 4xx in the shape of the API's other errors, saying what to do.
 */
import assert from "node:assert/strict";
import { apiServer } from "../helpers/api.ts";

Deno.test("DELETE, PUT, PATCH, OPTIONS and HEAD on a procedure are 405 with Allow: GET, POST", async () => {
  const server = await apiServer();
  try {
    const { fetch } = await server.user();
    const seen: string[] = [];
    for (const method of ["DELETE", "PUT", "PATCH", "OPTIONS", "HEAD"]) {
      // Without a content type tRPC called these a 415, with one a 405 that allowed GET only.
      for (const type of [undefined, "application/json"]) {
        const headers: Record<string, string> = { origin: server.url };
        if (type) headers["content-type"] = type;
        const response = await fetch(`${server.url}/api/trpc/website.list`, { method, headers });
        seen.push(`${method} ${type}: ${response.status} allow=${response.headers.get("allow")}`);
        if (method === "HEAD") {
          await response.body?.cancel();
          continue;
        }
        const body = await response.json();
        assert.equal(body.error.data.code, "METHOD_NOT_SUPPORTED");
        assert.equal(body.error.data.httpStatus, 405);
        assert.equal(body.error.code, -32005);
        assert.equal(
          body.error.message,
          `${method} is not allowed: use GET for queries and POST for mutations`,
        );
      }
    }
    assert.deepEqual(seen.filter((line) => !line.endsWith(": 405 allow=GET, POST")), []);
    // A method we do not serve is refused as such, even from another site.
    const crossSite = await fetch(`${server.url}/api/trpc/website.delete`, {
      method: "DELETE",
      headers: { origin: "https://elsewhere.example" },
    });
    assert.equal(crossSite.status, 405);
    await crossSite.body?.cancel();
  } finally {
    await server.close();
  }
});

Deno.test("input that is not JSON is BAD_REQUEST 'input: not valid JSON', in a query and in a body", async () => {
  const server = await apiServer();
  try {
    const { fetch } = await server.user();
    const json = { origin: server.url, "content-type": "application/json" };
    const answers = await Promise.all([
      fetch(`${server.url}/api/trpc/website.get?input=%7Bbad`),
      fetch(`${server.url}/api/trpc/website.get?input=%22unterminated`),
      fetch(`${server.url}/api/trpc/website.create`, {
        method: "POST",
        headers: json,
        body: "{bad",
      }),
    ]);
    for (const response of answers) {
      assert.equal(response.status, 400);
      const { error } = await response.json();
      assert.equal(error.data.code, "BAD_REQUEST");
      assert.equal(error.message, "input: not valid JSON");
      assert.equal(error.data.stack, undefined);
    }
    // A batch answers per call, each with the same words.
    const batch = await fetch(`${server.url}/api/trpc/website.create?batch=1`, {
      method: "POST",
      headers: json,
      body: "{bad",
    });
    assert.equal(batch.status, 400);
    const calls = await batch.json();
    assert.deepEqual(calls.map((c: { error: { message: string } }) => c.error.message), [
      "input: not valid JSON",
    ]);
  } finally {
    await server.close();
  }
});
