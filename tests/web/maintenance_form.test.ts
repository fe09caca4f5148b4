/** The maintenance form's dates: read in the form's time zone, never moved silently. */
import assert from "node:assert/strict";
import { zonedTime } from "../../lib/zoned_time.ts";

Deno.test("a form's local date-time is read in its time zone, and a time the clocks skip is refused", async () => {
  assert.equal(await zonedTime("2026-12-04T10:00", "UTC"), Date.UTC(2026, 11, 4, 10, 0));
  assert.equal(await zonedTime("2026-12-04T10:00", "Europe/Berlin"), Date.UTC(2026, 11, 4, 9, 0));
  assert.equal(
    await zonedTime("2026-07-04T10:00:30", "America/New_York"),
    Date.UTC(2026, 6, 4, 14, 0, 30),
  );
  assert.equal(await zonedTime("2026-12-04T05:30", "Asia/Kolkata"), Date.UTC(2026, 11, 4, 0, 0));
  // The night the clocks go forward in New York: 02:30 never happens.
  assert.equal(await zonedTime("2027-03-14T02:30", "America/New_York"), null);
  // The night they go back: 01:30 happens twice; the first is taken.
  assert.equal(
    await zonedTime("2026-11-01T01:30", "America/New_York"),
    Date.UTC(2026, 10, 1, 5, 30),
  );
  for (const bad of ["2026-12-04T24:00", "2026-02-30T10:00", "tomorrow", "2026-12-04 10:00", ""]) {
    assert.equal(await zonedTime(bad, "UTC"), null, bad);
  }
});
