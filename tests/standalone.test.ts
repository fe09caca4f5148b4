/**
 * `deno task standalone`: web, publisher and worker in one process. A user signs up, adds
 * a monitor, and sees it checked, with nothing else running; one SIGTERM stops it all.
 */
import assert from "node:assert/strict";
import { eventually, pipelineBed, startTarget } from "./helpers/pipeline.ts";
import { freePort, spawnProcess } from "./helpers/processes.ts";
import { jarClient } from "./helpers/api.ts";
import { literal, sql } from "../db/clickhouse/sql.ts";

Deno.test("standalone: one process serves the app, checks a new monitor, and stops on SIGTERM", async () => {
  const bed = await pipelineBed();
  const target = startTarget();
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const app = spawnProcess("standalone/main.ts", {
    ...bed.env,
    PORT: String(port),
    MIN_INTERVAL_SECONDS: "1",
    PUBLISHER_TICK_MS: "500",
    // Served by the web's port in this layout; a second listener here would be a conflict.
    HEALTH_PORT: String(port),
  });
  let status: Deno.CommandStatus;
  try {
    for (const role of ["web", "publisher", "worker"]) {
      assert.equal((await app.waitFor(`${role}.started`, 60_000)).process, "standalone");
    }
    const { api, fetch: browser } = jarClient(url);
    await api.user.signup.mutate({
      email: `${crypto.randomUUID()}@example.com`,
      password: "correct horse battery",
    });
    const { id } = await api.website.create.mutate({
      url: target.url,
      intervalSeconds: 1,
      name: "One process",
    });
    await eventually(
      async () => {
        const html = await (await browser(`${url}/app`)).text();
        return /data-status="up"/.test(html) && html.includes("One process");
      },
      30_000,
      "the dashboard shows the monitor up",
    );
    const [{ n }] = await bed.ch.rows<{ n: string }>(
      sql`SELECT count() AS n FROM checks
       WHERE website_id = ${literal.uuid(id)} AND outcome = 'up'`,
    );
    assert.ok(Number(n) >= 1, `${n} checks stored up`);
    assert.ok(target.requests >= 1);

    const ready = await fetch(`${url}/readyz`);
    assert.deepEqual([ready.status, (await ready.json()).ready], [200, true]);
    // One scrape covers the three roles: the worker's checks and the publisher's tasks.
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /^uptime_checks_total\{[^}]*outcome="up"[^}]*\} [1-9]/m);
    assert.match(metrics, /^uptime_tasks_published_total\{[^}]*\} [1-9]/m);
  } finally {
    status = await app.stop("SIGTERM");
    await target.close();
    await bed.close();
  }
  assert.equal(status.code, 0);
  assert.ok(app.lines.some((line) => line.event === "standalone.stopped"));
  assert.deepEqual(
    app.lines.filter((line) => line.level === "error").map((line) => line.event),
    [],
  );
});
