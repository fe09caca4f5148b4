/** Times as the pages write them: each in the zone asked for, however the calls interleave. */
import assert from "node:assert/strict";
import {
  formatDate,
  formatDateTime,
  formatInterval,
  formatLongDuration,
  formatTicks,
} from "../lib/time_format.ts";

Deno.test("times are written in the zone asked for, call after call", () => {
  const at = Date.UTC(2026, 11, 1, 20, 31);
  for (let i = 0; i < 3; i++) {
    assert.equal(formatDateTime(at, "UTC"), "1 Dec 2026, 20:31 UTC");
    assert.equal(formatDateTime(at, "Asia/Tokyo"), "2 Dec 2026, 05:31");
    assert.equal(formatDate(at, "Asia/Tokyo"), "2 Dec 2026");
    assert.equal(formatDate(at, "America/New_York"), "1 Dec 2026");
    assert.equal(formatDateTime(at + 60_000, "UTC"), "1 Dec 2026, 20:32 UTC");
    // A chart's ticks: the day where it changes, else the time; days apart, the day.
    const hours = [0, 2, 4].map((h) => Date.UTC(2026, 11, 1, 22 + h));
    assert.deepEqual(formatTicks(hours, 7_200, "UTC"), ["1 Dec, 22:00", "2 Dec, 00:00", "02:00"]);
    assert.deepEqual(formatTicks([at, at + 86_400_000], 86_400, "UTC"), ["1 Dec", "2 Dec"]);
    // Rows of checks can be seconds apart: to the second.
    assert.equal(formatDateTime(at + 5_000, "UTC", true), "1 Dec 2026, 20:31:05 UTC");
  }
});

Deno.test("a period set in seconds is written exactly, never rounded to a larger unit", () => {
  assert.deepEqual(
    [30, 90, 300, 3_600, 5_400, 86_400].map(formatInterval),
    ["30 s", "90 s", "5 min", "1 h", "90 min", "1 d"],
  );
});

Deno.test("how long an incident lasted is written in two units, as its alert says it", () => {
  assert.deepEqual(
    [45_000, 60_000, 725_000, 3_900_000, 93_600_000].map(formatLongDuration),
    ["45 s", "1 min", "12 min 5 s", "1 h 5 min", "1 d 2 h"],
  );
});
