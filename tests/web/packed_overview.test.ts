import assert from "node:assert/strict";
import { packOverview, unpackOverview } from "../../components/monitor/packed_overview.ts";
import type { Overview } from "../../services/websites/overview.ts";

Deno.test("the monitors table's packed props unpack to the overview the server packed", () => {
  const overview: Overview = {
    query: { q: "shop", status: "all", sort: "status", tag: "", page: 1 },
    matching: 2,
    pages: 1,
    counts: { all: 2, up: 0, down: 1, paused: 1 },
    tags: ["eu", "production"],
    resultsUnavailable: false,
    rows: [{
      id: "a",
      name: "Shop",
      url: "https://shop.example/",
      tags: ["production", "eu"],
      target: "shop.example",
      active: true,
      intervalSeconds: 60,
      status: "down",
      regions: [
        {
          region: "ams",
          state: "down",
          responseMs: 12,
          checkedAt: 1_700_000_120_000,
          degraded: false,
        },
        { region: "iad", state: "nodata", responseMs: null, checkedAt: null, degraded: false },
      ],
      lastCheckedAt: 1_700_000_120_000,
      lastResponseMs: 12,
      timed: true,
      uptime24h: 99.5,
      maintenanceUntil: 1_700_000_600_000,
      recent: [
        {
          at: 1_700_000_000_000,
          region: "ams",
          outcome: "up",
          degraded: false,
          responseMs: 5,
          httpStatus: 200,
          errorKind: "",
        },
        {
          at: 1_700_000_060_000,
          region: "iad",
          outcome: "down",
          degraded: false,
          responseMs: 0,
          httpStatus: 0,
          errorKind: "connect",
        },
        {
          at: 1_700_000_120_000,
          region: "ams",
          outcome: "up",
          degraded: true,
          responseMs: 3_012,
          httpStatus: 200,
          errorKind: "",
        },
      ],
    }, {
      id: "b",
      name: "Blog",
      url: "https://blog.example/",
      tags: [],
      target: "blog.example",
      active: false,
      intervalSeconds: 300,
      status: "paused",
      regions: [],
      lastCheckedAt: null,
      lastResponseMs: null,
      timed: false,
      uptime24h: null,
      recent: [],
      maintenanceUntil: null,
    }],
  };
  const packed = packOverview(overview);
  assert.deepEqual(packed.rows[0][13], [
    [1_700_000_000_000, "ams", 1, 5, 200, ""],
    [60_000, "iad", 0, 0, 0, "connect"],
    [60_000, "ams", 2, 3_012, 200, ""],
  ]);
  assert.deepEqual(unpackOverview(JSON.parse(JSON.stringify(packed))), overview);
});
