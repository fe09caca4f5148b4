/** What an uptime figure says it covers. */
import assert from "node:assert/strict";
import { dailyBars, windowWords } from "../lib/uptime.ts";

Deno.test("a new monitor's uptime is since its first day, not over the whole window", () => {
  const now = new Date(Date.UTC(2026, 11, 3, 12));
  const today = Math.floor(now.getTime() / 86_400_000);
  assert.equal(windowWords(dailyBars([{ day: today, checks: 3, up: 3 }], now)), "since 3 Dec 2026");
  const old = dailyBars(
    [{ day: today - 89, checks: 1, up: 1 }, { day: today, checks: 1, up: 0 }],
    now,
  );
  assert.equal(windowWords(old), "over the last 90 days");
  assert.equal(windowWords(old.slice(-30)), "since 3 Dec 2026");
});
