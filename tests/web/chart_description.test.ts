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
    maintenance: 0,
  });
  assert.deepEqual(lines, [
    "ams: median response between 12 ms and 40 ms, typically 20 ms",
    "iad: median response 14 ms",
    "syd: no checks",
    "No failed checks in this range.",
  ]);
});

Deno.test("the chart in words says that checks under maintenance were not counted", () => {
  const data = {
    times: [0, 300],
    bucketSeconds: 300,
    series: [{ region: "ams", values: [12, 12] }],
    maintenance: 3,
  };
  assert.equal(
    describeChart({ ...data, down: [] }).at(-1),
    "No failed checks in this range; 3 checks during maintenance are not counted.",
  );
  assert.match(
    describeChart({ ...data, down: [[0, 300]], maintenance: 1 }).at(-1)!,
    /^Failed checks in 1 period: .*; 1 check during maintenance is not counted\.$/,
  );
});
