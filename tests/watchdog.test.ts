import assert from "node:assert/strict";
import { Watchdog } from "../worker/watchdog.ts";
import { eventually } from "./helpers/pipeline.ts";

Deno.test("the watchdog gives up when tasks are pending and nothing is acknowledged", async () => {
  const reasons: string[] = [];
  const watchdog = new Watchdog({
    stallMs: 10_000,
    noProgressMs: 300,
    pending: () => 3,
    exit: (reason) => reasons.push(reason),
  });
  watchdog.start(50);
  try {
    await eventually(() => reasons.length > 0, 5_000, "the watchdog to fire");
    assert.match(reasons[0], /no progress for \d+ ms with tasks pending/);
  } finally {
    watchdog.stop();
  }
});

Deno.test("the watchdog stays quiet while progress is made or nothing is pending", async () => {
  const reasons: string[] = [];
  let pending = 0;
  const watchdog = new Watchdog({
    stallMs: 10_000,
    noProgressMs: 300,
    pending: () => pending,
    exit: (reason) => reasons.push(reason),
  });
  watchdog.start(50);
  try {
    const until = Date.now() + 1_000;
    while (Date.now() < until) {
      pending = pending ? 0 : 2;
      watchdog.progress();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(reasons, []);
  } finally {
    watchdog.stop();
  }
});

Deno.test("the watchdog notices a stalled event loop", async () => {
  const reasons: string[] = [];
  const watchdog = new Watchdog({
    stallMs: 200,
    noProgressMs: 60_000,
    pending: () => 0,
    exit: (reason) => reasons.push(reason),
  });
  watchdog.start(50);
  try {
    const blockedUntil = Date.now() + 600;
    while (Date.now() < blockedUntil) { /* a synchronous stall */ }
    await eventually(() => reasons.length > 0, 5_000, "the stall to be noticed");
    assert.match(reasons[0], /event loop stalled/);
  } finally {
    watchdog.stop();
  }
});
