/**
 * An idle worker leaves its event loop alone: the probe that measures the loop's delay
 * wakes the process ten times a second, which on a small machine costs as much CPU as
 * the checks of a light load.
 */
import assert from "node:assert/strict";
import { Intake } from "../../worker/intake.ts";
import { eventually } from "../helpers/pipeline.ts";

Deno.test("the loop is watched while checks run and left alone while none does", async () => {
  let running = 0;
  // No overload in this test: a stall is measured, not acted on.
  const intake = new Intake({
    max: 10,
    region: "test",
    running: () => running,
    onRoom() {},
    highMs: 60_000,
  });
  intake.start();
  try {
    await eventually(() => !intake.loop.watching, 5_000, "the idle probe to stop");
    running = 1;
    intake.busy();
    assert.ok(intake.loop.watching, "a starting check starts the probe");
    // A stall while the check runs is measured, as a timed-out check needs to know.
    const mark = intake.loop.total();
    const until = performance.now() + 400;
    while (performance.now() < until) {
      // the loop held up on purpose
    }
    assert.ok(intake.loop.total() - mark >= 250, "the stall counts while a check runs");
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.ok(intake.loop.watching, "still watched after a probe with a check running");
    running = 0;
    await eventually(() => !intake.loop.watching, 5_000, "the probe to stop after the check");
  } finally {
    intake.stop();
  }
  intake.busy();
  assert.ok(!intake.loop.watching, "a stopped intake does not start probing again");
});
