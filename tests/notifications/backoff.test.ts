import assert from "node:assert/strict";
import { MAX_DELAY_MS, retryDelayMs } from "../../services/notifications/dispatcher/backoff.ts";

Deno.test("retry delays double per attempt within jitter, cap at an hour, and honour Retry-After", () => {
  const low = () => 0;
  const high = () => 1;
  assert.deepEqual([1, 2, 3, 4].map((n) => retryDelayMs(n, 10_000, undefined, low)), [
    5_000,
    10_000,
    20_000,
    40_000,
  ]);
  assert.deepEqual([1, 2].map((n) => retryDelayMs(n, 10_000, undefined, high)), [10_000, 20_000]);
  assert.equal(retryDelayMs(40, 10_000, undefined, high), MAX_DELAY_MS);
  assert.equal(retryDelayMs(1, 10_000, 120_000, high), 120_000);
  assert.equal(retryDelayMs(1, 10_000, 86_400_000, low), MAX_DELAY_MS);
});
