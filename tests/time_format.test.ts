/** Times as the pages write them: each in the zone asked for, however the calls interleave. */
import assert from "node:assert/strict";
import { formatDate, formatDateTime } from "../lib/time_format.ts";

Deno.test("times are written in the zone asked for, call after call", () => {
  const at = Date.UTC(2026, 11, 1, 20, 31);
  for (let i = 0; i < 3; i++) {
    assert.equal(formatDateTime(at, "UTC"), "1 Dec 2026, 20:31 UTC");
    assert.equal(formatDateTime(at, "Asia/Tokyo"), "2 Dec 2026, 05:31");
    assert.equal(formatDate(at, "Asia/Tokyo"), "2 Dec 2026");
    assert.equal(formatDate(at, "America/New_York"), "1 Dec 2026");
    assert.equal(formatDateTime(at + 60_000, "UTC"), "1 Dec 2026, 20:32 UTC");
  }
});
