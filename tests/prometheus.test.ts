import assert from "node:assert/strict";
import { eventually, pipelineBed, startTarget } from "./helpers/pipeline.ts";
import { freePort, spawnProcess } from "./helpers/processes.ts";
import { parseMetrics, sample, scrape } from "./helpers/scrape.ts";
import { metricsText } from "../lib/metrics.ts";
import { evaluateStoredResults } from "../services/incidents/evaluation/evaluate.ts";
import { relayIncidentEvents } from "../services/incidents/evaluation/event_relay.ts";
import { checkRow } from "./helpers/incidents.ts";

Deno.test("/metrics of worker, publisher and web parse as Prometheus text and move as checks run", async () => {
  const bed = await pipelineBed();
  const target = startTarget();
  const [workerPort, publisherPort, webPort] = [freePort(), freePort(), freePort()];
  const worker = spawnProcess("worker/main.ts", {
    ...bed.env,
    REGION: "ams",
    HEALTH_PORT: String(workerPort),
  });
  const publisher = spawnProcess("publisher/main.ts", {
    ...bed.env,
    REGIONS: "ams",
    PUBLISHER_TICK_MS: "200",
    HEALTH_PORT: String(publisherPort),
  });
  const web = spawnProcess("web/main.ts", { ...bed.env, PORT: String(webPort) });
  try {
    await Promise.all([
      worker.waitFor("worker.started"),
      publisher.waitFor("publisher.started"),
      web.waitFor("web.started", 60_000),
    ]);
    const workerMetrics = `http://127.0.0.1:${workerPort}/metrics`;
    const before = await scrape(workerMetrics);
    assert.equal(sample(before, "uptime_checks_total", { region: "ams", outcome: "up" }), 0);

    // Daily, so none comes due again before the exact counts below are read.
    await bed.addWebsites(3, { url: target.url, regions: ["ams"], intervalSeconds: 86_400 });
    await eventually(
      async () =>
        sample(await scrape(workerMetrics), "uptime_checks_total", {
          region: "ams",
          outcome: "up",
        }) === 3,
      20_000,
      "three checks counted",
    );
    const after = await scrape(workerMetrics);
    assert.equal(sample(after, "uptime_check_duration_seconds", { region: "ams" }), 3);
    await eventually(
      async () => sample(await scrape(workerMetrics), "uptime_clickhouse_insert_seconds") >= 1,
      10_000,
      "an insert timed",
    );
    assert.equal(sample(after, "uptime_clickhouse_insert_failures_total"), 0);

    const publisherMetrics = `http://127.0.0.1:${publisherPort}/metrics`;
    // Acknowledged once stored and evaluated for incidents: pending drains to 0.
    await eventually(
      async () =>
        sample(await scrape(publisherMetrics), "uptime_stream_pending", { region: "ams" }) === 0,
      20_000,
      "every task acknowledged",
    );
    const published = await scrape(publisherMetrics);
    assert.equal(sample(published, "uptime_tasks_published_total", { region: "ams" }), 3);
    assert.equal(sample(published, "uptime_publisher_lag_seconds"), 3);
    assert.equal(sample(published, "uptime_stream_length", { region: "ams" }), 3);
    assert.equal(sample(published, "uptime_stream_pending", { region: "ams" }), 0);
    assert.equal(sample(published, "uptime_stream_lag", { region: "ams" }), 0);
    assert.equal(sample(published, "uptime_dead_letters", { region: "ams" }), 0);

    const webMetrics = `http://127.0.0.1:${webPort}/metrics`;
    const requestsBefore = sample(await scrape(webMetrics), "uptime_http_requests_total", {
      method: "GET",
      status: "200",
    });
    await (await fetch(`http://127.0.0.1:${webPort}/`)).body?.cancel();
    const webAfter = await scrape(webMetrics);
    assert.ok(
      sample(webAfter, "uptime_http_requests_total", { method: "GET", status: "200" }) >
        requestsBefore,
    );
    assert.equal(sample(webAfter, "uptime_websocket_clients"), 0);
  } finally {
    await Promise.all([worker.stop(), publisher.stop(), web.stop()]);
    await target.close();
    await bed.close();
  }
});

Deno.test("every web request has an id: in its log line and in x-request-id", async () => {
  const bed = await pipelineBed();
  const port = freePort();
  const web = spawnProcess("web/main.ts", { ...bed.env, PORT: String(port) });
  try {
    await web.waitFor("web.started", 60_000);
    const response = await fetch(`http://127.0.0.1:${port}/api/heartbeat/secret-token?x=1`);
    await response.body?.cancel();
    const id = response.headers.get("x-request-id");
    assert.ok(id);
    const line = await web.waitFor("http.request");
    assert.equal(line.requestId, id);
    // The heartbeat token is a secret; queries may hold them too.
    assert.equal(line.path, "/api/heartbeat/***");
  } finally {
    await web.stop();
    await bed.close();
  }
});

Deno.test("the scrape helper rejects what Prometheus rejects", () => {
  assert.throws(() => parseMetrics("uptime_x 1\n"), /no # TYPE/);
  assert.throws(() => parseMetrics("# TYPE uptime_x counter\nuptime_x{a=b} 1\n"), /not Prometheus/);
  assert.throws(
    () =>
      parseMetrics(
        '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\n',
      ),
    /not cumulative/,
  );
  assert.equal(parseMetrics('# TYPE uptime_x counter\nuptime_x{a="b"} 1\n')[0].value, 1);
});

Deno.test("incident counters move once per incident opened and resolved, even when relayed twice", async () => {
  const bed = await pipelineBed();
  const count = async (type: string) =>
    sample(parseMetrics(await metricsText()), "uptime_incident_events_total", { type });
  try {
    const [id] = await bed.addWebsites(1, {
      url: "https://example.com/",
      regions: ["ams"],
      quorum: "any",
      confirmations: 1,
    });
    const row = (slot: number, up: boolean) => checkRow(id, "ams", slot, up);
    const [opened, resolved] = [await count("opened"), await count("resolved")];
    await evaluateStoredResults(bed.pg.sql, [row(10, false)]);
    await evaluateStoredResults(bed.pg.sql, [row(11, true)]);
    const outbox = await bed.pg.sql`select id, event::text as event from incident_outbox`;
    await relayIncidentEvents(bed.pg.sql, bed.redis, bed.keys);
    // As if the relay had died after its XADD and before deleting the rows.
    for (const { id, event } of outbox) {
      await bed.pg.sql`insert into incident_outbox (id, event) values (${id}, ${event}::jsonb)`;
    }
    await relayIncidentEvents(bed.pg.sql, bed.redis, bed.keys);
    assert.equal(await count("opened"), opened + 1);
    assert.equal(await count("resolved"), resolved + 1);
  } finally {
    await bed.close();
  }
});
