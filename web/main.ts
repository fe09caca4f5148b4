/** The web process: dashboard, status pages, API. `deno task start` (production) or `dev`. */
import { aborted, runProcess } from "../lib/lifecycle.ts";
import { openConnections } from "../lib/connections.ts";
import { log } from "../lib/logger.ts";
import { createWebApp } from "./app.ts";
import { healthReport } from "./health.ts";
import { closeLiveHub } from "./live/hub.ts";
import { redisKeys } from "../lib/redis_keys.ts";
import type { Services } from "../services/context.ts";
import { dummyHash } from "../services/users/password.ts";
import { deleteExpiredSessions } from "../services/users/sessions.ts";

const SESSION_SWEEP_MS = 3_600_000;

await runProcess("web", async (config, shutdown) => {
  const connections = await openConnections(config, "web");
  const services: Services = {
    config,
    db: connections.pg.db,
    sql: connections.pg.sql,
    redis: connections.redis,
    ch: connections.ch,
    keys: redisKeys(config.redisKeyPrefix),
  };
  // Computed now, so the first login for an unknown email takes no longer than the rest.
  await dummyHash();
  const sessionSweep = setInterval(() => {
    deleteExpiredSessions(services).catch((error) => log.warn("sessions.sweep_failed", { error }));
  }, SESSION_SWEEP_MS);
  const app = await createWebApp({ dev: Deno.env.get("UPTIME_DEV") === "1", services });
  const server = Deno.serve({
    port: config.port,
    hostname: "0.0.0.0",
    onListen: ({ port }) => log.info("web.started", { port }),
  }, async (req, info) => {
    if (new URL(req.url).pathname === "/healthz") {
      const report = await healthReport(connections);
      return Response.json(report, { status: report.ok ? 200 : 503 });
    }
    return app.handler(req, info);
  });
  await aborted(shutdown);
  clearInterval(sessionSweep);
  // Open sockets would keep the server from shutting down.
  await closeLiveHub(services);
  await server.shutdown();
  await app.close();
  await connections.close();
});
