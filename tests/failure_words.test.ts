/** What an incident's cause reads like on its pages: the kind of failure, said once. */
import assert from "node:assert/strict";
import { failureWords } from "../lib/http_client/failures.ts";

Deno.test("a failure is said once: its kind, then what it said, unless that says it already", () => {
  assert.equal(failureWords("timeout", "timed out after 3000 ms"), "Timed out after 3000 ms");
  assert.equal(
    failureWords("status", "expected 2xx or 3xx, got 503"),
    "Unexpected status: expected 2xx or 3xx, got 503",
  );
  assert.equal(failureWords("refused", ""), "Connection refused");
  assert.equal(failureWords("", "HTTP 503"), "HTTP 503");
  assert.equal(failureWords("", ""), "");
});
