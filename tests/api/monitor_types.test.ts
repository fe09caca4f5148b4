/**
 * Monitor types and the deeper check settings through the API: heartbeat monitors (ping
 * URL, missed beats), TCP monitors, keyword absence, degraded threshold, certificate
 * warning days, blocked ports, and the timing breakdown in `website.checks`.
 */
import assert from "node:assert/strict";
import { apiServer, errorMessage } from "../helpers/api.ts";
import { sweepMissedHeartbeats } from "../../publisher/heartbeats.ts";
import { Schedule } from "../../publisher/schedule.ts";
import { sql } from "../../db/clickhouse/sql.ts";

Deno.test("a heartbeat monitor is up when its job calls, and down once a beat is later than period + grace", async () => {
  const server = await apiServer({ REGIONS: "ams,iad", REGION: "ams" });
  try {
    const { api } = await server.user();
    const monitor = await api.website.create.mutate({
      type: "heartbeat",
      name: "Nightly backup",
      intervalSeconds: 3_600,
      heartbeatGraceSeconds: 600,
      confirmations: 1,
    });
    assert.equal(monitor.type, "heartbeat");
    assert.equal(monitor.url, "heartbeat:");
    assert.deepEqual(monitor.regions, ["ams"]);
    assert.ok(monitor.heartbeat);
    assert.equal(monitor.heartbeat.graceSeconds, 600);
    assert.equal(monitor.heartbeat.lastBeatAt, null);
    const ping = new URL(monitor.heartbeat.pingUrl);
    assert.match(ping.pathname, /^\/api\/heartbeat\/[A-Za-z0-9_-]{32}$/);

    const unknown = await fetch(`${server.url}/api/heartbeat/${"x".repeat(32)}`);
    assert.equal(unknown.status, 404);
    await unknown.body?.cancel();

    // Heartbeats are not checked by workers.
    const schedule = new Schedule(server.bed.pg.sql, { intervalSeconds: 180, timeoutMs: 10_000 });
    await schedule.sync();
    const due = schedule.due(Date.now() + 86_400_000);
    assert.ok(!due.some(({ website }) => website.id === monitor.id));

    const sweep = (now: Date) =>
      sweepMissedHeartbeats({ ...server.services, defaultIntervalSeconds: 180 }, now);
    // Within period + grace nothing happens.
    assert.equal(await sweep(new Date()), 0);
    // Time passes: 60 minutes + 10 of grace without a beat.
    await server.bed.pg.sql`
      update websites set next_check_at = now() - interval '2 seconds' where id = ${monitor.id}`;
    assert.equal(await sweep(new Date()), 1);
    assert.equal(await sweep(new Date()), 0, "one result per miss");
    const [missed] = (await api.website.checks.query({ id: monitor.id })).checks;
    assert.equal(missed.outcome, "down");
    assert.equal(missed.region, "ams");
    assert.equal(missed.errorKind, "heartbeat");
    assert.equal(missed.errorMessage, "no heartbeat yet (expected every 1 h + 10 min grace)");

    // The live status the dashboard and status pages read says down too.
    const live = await server.bed.redis.hget(server.bed.keys.liveStatus(monitor.id), "ams");
    assert.equal(JSON.parse(live!).outcome, "down");

    // The miss opens an incident, like a failed check would.
    const { incidents } = await api.incident.list.query({ websiteId: monitor.id });
    assert.equal(incidents.length, 1);
    assert.equal(incidents[0].resolvedAt, null);
    assert.equal(incidents[0].cause.errorKind, "heartbeat");

    // The job calls its URL (GET or POST, no session): up again, and the incident resolves.
    const beat = await fetch(`${server.url}${ping.pathname}`, { method: "POST", body: "done" });
    assert.equal(beat.status, 200);
    await beat.body?.cancel();
    const [afterBeat] = (await api.website.checks.query({ id: monitor.id })).checks;
    assert.equal(afterBeat.outcome, "up");
    assert.ok((await api.website.get.query({ id: monitor.id })).heartbeat?.lastBeatAt);
    const [resolved] = (await api.incident.list.query({ websiteId: monitor.id })).incidents;
    assert.notEqual(resolved.resolvedAt, null);
    // The next deadline is a period + grace after the beat.
    const [row] = await server.bed.pg.sql`
      select extract(epoch from next_check_at - last_heartbeat_at)::int as seconds
      from websites where id = ${monitor.id}`;
    assert.equal(row.seconds, 4_200);
    // Silent again: the miss says for how long, in words that need no time zone.
    assert.equal(await sweep(new Date(Date.now() + 75.5 * 60_000)), 1);
    const [again] = (await api.website.checks.query({ id: monitor.id })).checks;
    assert.equal(
      again.errorMessage,
      "no heartbeat for 1 h 15 min (expected every 1 h + 10 min grace)",
    );

    // A heartbeat has no URL and no HTTP settings.
    assert.match(
      await errorMessage(api.website.create.mutate({ type: "heartbeat", url: "https://x.test" })),
      /url: a heartbeat monitor has no URL/,
    );
  } finally {
    await server.close();
  }
});

Deno.test("a job that reports a failed run is down at once, with what it said; its next good run is up", async () => {
  const server = await apiServer({ REGIONS: "ams", REGION: "ams" });
  try {
    const { api } = await server.user();
    const monitor = await api.website.create.mutate({
      type: "heartbeat",
      name: "Nightly backup",
      intervalSeconds: 3_600,
      confirmations: 1,
    });
    const ping = new URL(monitor.heartbeat!.pingUrl).pathname;
    const output = `rsync: write failed on "/backup/db.tar": No space left on device (28)\n` +
      `${"x".repeat(300)}`;
    const failed = await fetch(`${server.url}${ping}/fail`, { method: "POST", body: output });
    assert.equal(failed.status, 200);
    assert.equal(await failed.text(), "failure recorded\n");
    const [down] = (await api.website.checks.query({ id: monitor.id })).checks;
    assert.deepEqual([down.outcome, down.errorKind], ["down", "job"]);
    assert.equal(
      down.errorMessage,
      `the job reported a failure: rsync: write failed on "/backup/db.tar": No space left on ` +
        `device (28) ${"x".repeat(130)}…`,
    );
    const [incident] = (await api.incident.list.query({ websiteId: monitor.id })).incidents;
    assert.equal(incident.cause.errorKind, "job");
    // The run happened: the next one is due a period from now, as after a good run.
    const [row] = await server.bed.pg.sql`
      select extract(epoch from next_check_at - last_heartbeat_at)::int as seconds
      from websites where id = ${monitor.id}`;
    assert.equal(row.seconds, 3_600);

    // A result a second: the next run reports in a later one.
    await new Promise((wake) => setTimeout(wake, 1_050 - (Date.now() % 1_000)));
    const beat = await fetch(`${server.url}${ping}`);
    await beat.body?.cancel();
    const [up] = (await api.website.checks.query({ id: monitor.id })).checks;
    assert.equal(up.outcome, "up");
    const [resolved] = (await api.incident.list.query({ websiteId: monitor.id })).incidents;
    assert.notEqual(resolved.resolvedAt, null);

    const plain = await fetch(`${server.url}${ping}/fail`);
    await plain.body?.cancel();
    const unknown = await fetch(`${server.url}/api/heartbeat/${"x".repeat(32)}/fail`, {
      method: "POST",
      body: "x",
    });
    await unknown.body?.cancel();
    assert.equal(unknown.status, 404);
    await api.website.setActive.mutate({ id: monitor.id, active: false });
    const paused = await fetch(`${server.url}${ping}/fail`);
    await paused.body?.cancel();
    assert.equal(paused.status, 404);
  } finally {
    await server.close();
  }
});

Deno.test("a TCP monitor takes host:port, refuses blocked ports and HTTP-only settings", async () => {
  const server = await apiServer({ ALLOW_PRIVATE_TARGETS: "false" });
  try {
    const { api } = await server.user();
    const tcp = await api.website.create.mutate({ type: "tcp", url: "1.1.1.1:5432" });
    assert.equal(tcp.url, "tcp://1.1.1.1:5432");
    assert.equal(tcp.type, "tcp");
    assert.equal(tcp.heartbeat, null);
    // Port 80 is http's default, which the URL parser drops; a TCP target keeps it.
    const web = await api.website.create.mutate({ type: "tcp", url: "tcp://1.1.1.1:80" });
    assert.equal(web.url, "tcp://1.1.1.1:80");

    const cases: [Record<string, unknown>, RegExp][] = [
      [{ url: "1.1.1.1" }, /url: expected host:port for a TCP monitor/],
      [{ url: "tcp://1.1.1.1:25" }, /url: port 25 \(smtp\) is not allowed/],
      [{ url: "127.0.0.1:6379" }, /url: 127\.0\.0\.1 is a loopback address/],
      [{ url: "1.1.1.1:5432", keyword: "x" }, /keyword: only http monitors use it, not tcp/],
      [{}, /url: required/],
    ];
    for (const [input, message] of cases) {
      // deno-lint-ignore no-explicit-any
      const call = api.website.create.mutate({ type: "tcp", ...input } as any);
      assert.match(await errorMessage(call), message, JSON.stringify(input));
    }
  } finally {
    await server.close();
  }
});

Deno.test("http monitors: keyword absence, degraded threshold, certificate warning days, blocked ports", async () => {
  const server = await apiServer();
  try {
    const { api } = await server.user();
    const site = await api.website.create.mutate({
      url: "https://example.com/",
      forbiddenKeyword: "Fatal error",
      degradedMs: 800,
      certExpiryWarnDays: 30,
    });
    assert.equal(site.type, "http");
    assert.equal(site.forbiddenKeyword, "Fatal error");
    assert.equal(site.degradedMs, 800);
    assert.equal(site.certExpiryWarnDays, 30);

    const cleared = await api.website.update.mutate({
      id: site.id,
      forbiddenKeyword: null,
      degradedMs: null,
      certExpiryWarnDays: null,
    });
    assert.equal(cleared.forbiddenKeyword, null);
    assert.equal(cleared.degradedMs, null);
    assert.equal(cleared.certExpiryWarnDays, 14, "the default warning window");

    assert.match(
      await errorMessage(api.website.create.mutate({ url: "http://example.com:25/" })),
      /url: port 25 \(smtp\) is not allowed/,
    );
    assert.match(
      await errorMessage(api.website.create.mutate({ url: "https://x.test/", degradedMs: 0 })),
      /degradedMs: at least 1/,
    );
    assert.match(
      await errorMessage(
        api.website.update.mutate({ id: site.id, heartbeatGraceSeconds: 60 }),
      ),
      /heartbeatGraceSeconds: only heartbeat monitors use it/,
    );
  } finally {
    await server.close();
  }
});

Deno.test("http monitors: a JSON assertion is stored, read back, exported, and refused where it cannot hold", async () => {
  const server = await apiServer();
  try {
    const { api, fetch } = await server.user();
    const site = await api.website.create.mutate({
      url: "https://api.example.com/health",
      jsonPath: ' $.checks["db"].status ',
      jsonExpected: "ok",
    });
    assert.deepEqual([site.jsonPath, site.jsonExpected], ['$.checks["db"].status', "ok"]);
    const exported = await (await fetch(`${server.url}/app/monitors/export`)).json();
    assert.deepEqual(
      [exported.monitors[0].jsonPath, exported.monitors[0].jsonExpected],
      ['$.checks["db"].status', "ok"],
    );
    // No path, nothing to expect: clearing the path clears the value.
    const cleared = await api.website.update.mutate({ id: site.id, jsonPath: null });
    assert.deepEqual([cleared.jsonPath, cleared.jsonExpected], [null, null]);
    const pathOnly = await api.website.update.mutate({ id: site.id, jsonPath: "$.ready" });
    assert.deepEqual([pathOnly.jsonPath, pathOnly.jsonExpected], ["$.ready", null]);

    const refused: [Record<string, unknown>, RegExp][] = [
      [{ url: "https://x.test/", jsonPath: "status" }, /jsonPath: start with \$, as in \$\.status/],
      [
        { url: "https://x.test/", jsonPath: "$.items[?(@.down)]" },
        /jsonPath: "\[\?\(@\.down\)\]" is not a step/,
      ],
      [{ url: "https://x.test/", jsonExpected: "ok" }, /jsonExpected: set jsonPath/],
      [
        { url: "https://x.test/", jsonPath: "$.a", jsonExpected: "two\nlines" },
        /jsonExpected: one line/,
      ],
      [
        { type: "tcp", url: "db.example.com:5432", jsonPath: "$.a" },
        /jsonPath: only http monitors/,
      ],
      [
        { url: "https://x.test/", method: "HEAD", jsonPath: "$.a" },
        /jsonPath: the answer to a HEAD request has no body/,
      ],
      [{ url: "https://x.test/", jsonPath: '$["\\x"]' }, /jsonPath: "\\x" has an escape/],
    ];
    for (const [input, message] of refused) {
      assert.match(
        await errorMessage(api.website.create.mutate(input as { url: string })),
        message,
        JSON.stringify(input),
      );
    }
  } finally {
    await server.close();
  }
});

Deno.test("website.checks returns each check's timing breakdown, certificate days left and degraded flag", async () => {
  const server = await apiServer();
  try {
    const { api } = await server.user();
    const site = await api.website.create.mutate({ url: "https://example.com/" });
    const now = Math.floor(Date.now() / 1000);
    await server.bed.ch.insert(sql`checks`, [{
      website_id: site.id,
      region_id: "local",
      scheduled_at: now,
      checked_at: now,
      outcome: "up",
      http_status: 200,
      response_ms: 420,
      error_kind: "",
      error_message: "",
      dns_ms: 12,
      connect_ms: 30,
      tls_ms: 80,
      ttfb_ms: 290,
      cert_days_left: 9,
      degraded: 1,
    }]);
    const [check] = (await api.website.checks.query({ id: site.id })).checks;
    assert.deepEqual(check.timings, { dnsMs: 12, connectMs: 30, tlsMs: 80, ttfbMs: 290 });
    assert.equal(check.certDaysLeft, 9);
    assert.equal(check.degraded, true);
  } finally {
    await server.close();
  }
});
