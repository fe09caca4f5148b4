import assert from "node:assert/strict";
import { backoffDelay } from "../lib/backoff.ts";

const backoff = { baseMs: 100, maxMs: 1_000 };

Deno.test("backoff doubles per attempt up to its cap, each delay between half and all of the step", () => {
  const steps = [1, 2, 3, 4, 5, 50].map((attempt) => [
    backoffDelay(attempt, backoff, () => 0),
    backoffDelay(attempt, backoff, () => 1),
  ]);
  assert.deepEqual(steps, [[50, 100], [100, 200], [200, 400], [400, 800], [500, 1_000], [
    500,
    1_000,
  ]]);
  for (let i = 0; i < 1_000; i++) {
    const delay = backoffDelay(3, backoff);
    assert.ok(delay >= 200 && delay <= 400);
  }
});
