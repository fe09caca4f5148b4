/** The web role: dashboard, status pages, API. Run by web/main.ts or standalone/main.ts. */
import { aborted, type Main } from "../lib/lifecycle.ts";
import { openConnections } from "../lib/connections.ts";
import { log } from "../lib/logger.ts";
import { createWebApp } from "./app.ts";
import { operationalResponse } from "../lib/operational.ts";
import { gaugeOnScrape, metrics } from "../lib/metrics.ts";
import { flyReplay } from "./fly_replay.ts";
import { withRequestLog } from "./request_log.ts";
import { readRouting } from "./read_routing.ts";
import { closeLiveHub, liveHubSize } from "./live/hub.ts";
import { redisKeys } from "../lib/redis_keys.ts";
import type { Services } from "../services/context.ts";
import { dummyHash } from "../services/users/password.ts";
import { deleteExpiredSessions } from "../services/users/sessions.ts";

const SESSION_SWEEP_MS = 3_600_000;

export const runWeb: Main = async (config, shutdown) => {
  const connections = await openConnections(config, "web", { replica: true });
  const reads = readRouting(config, connections.pg, connections.replica);
  const services: Services = {
    config,
    db: connections.pg.db,
    sql: connections.pg.sql,
    readDb: reads.db,
    readSql: reads.sql,
    redis: connections.redis,
    ch: connections.ch,
    keys: redisKeys(config.redisKeyPrefix),
  };
  // Computed now, so the first login for an unknown email takes no longer than the rest.
  await dummyHash();
  const sessionSweep = setInterval(() => {
    deleteExpiredSessions(services).catch((error) => log.warn("sessions.sweep_failed", { error }));
  }, SESSION_SWEEP_MS);
  const app = await createWebApp({ dev: Deno.env.get("UPTIME_DEV") === "1", services, reads });
  gaugeOnScrape({
    name: "uptime_websocket_clients",
    help: "Browsers connected to the live WebSocket of this web process.",
  }, (gauge) => gauge.set(liveHubSize(services)));
  const { replica } = connections;
  if (replica) {
    gaugeOnScrape({
      name: "uptime_postgres_replica_available",
      help: "1 while this web process reads from its region's Postgres replica, 0 while it " +
        "reads from the primary because the replica does not answer.",
    }, (gauge) => gauge.set(replica.available ? 1 : 0));
  }
  const server = Deno.serve(
    {
      port: config.port,
      hostname: "0.0.0.0",
      onListen: ({ port }) => log.info("web.started", { port }),
    },
    withRequestLog(async (req, info) => {
      const operational = await operationalResponse(req, connections);
      if (operational) return operational;
      const replay = flyReplay(req, config);
      if (replay) {
        metrics.flyReplays.inc();
        return replay;
      }
      return app.handler(req, info);
    }),
  );
  await aborted(shutdown);
  clearInterval(sessionSweep);
  // Open sockets would keep the server from shutting down.
  await closeLiveHub(services);
  await server.shutdown();
  await app.close();
  await connections.close();
};
