/** The chart's text alternative, which is also its caption without JavaScript. */
import assert from "node:assert/strict";
import { describeChart } from "../../components/monitor/chart_data.ts";

Deno.test("the chart in words: a range of medians, or the one value there is", () => {
  const lines = describeChart({
    times: [0, 300, 600],
    bucketSeconds: 300,
    series: [
      { region: "ams", values: [12, 40, 20] },
      { region: "iad", values: [null, 14, null] },
      { region: "syd", values: [null, null, null] },
    ],
    down: [],
  });
  assert.deepEqual(lines, [
    "ams: median response between 12 ms and 40 ms, typically 20 ms",
    "iad: median response 14 ms",
    "syd: no checks",
    "No failed checks in this range.",
  ]);
});
