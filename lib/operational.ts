/**
 * The operator's endpoints, the same on every process:
 * - `GET /healthz`: liveness. 200 while the process answers at all; a dependency that is
 *   away does not make it fail, or every machine would be restarted during a Redis outage.
 * - `GET /readyz`: readiness. 503 naming each dependency (Postgres, Redis, ClickHouse)
 *   that does not answer within 2 s, 200 when all do. A read replica that does not answer
 *   is named in `degraded` with `readsFrom: "primary"`, and still 200: reads go to the
 *   primary meanwhile, so the machine serves.
 * - `GET /metrics`: Prometheus text (lib/metrics.ts).
 *
 * Web answers them on its port; publisher and worker on `HEALTH_PORT` ({@link serveOperational}).
 */
import type { Connections } from "./connections.ts";
import { withTimeout } from "./async.ts";
import { log } from "./logger.ts";
import { METRICS_CONTENT_TYPE, metricsText } from "./metrics.ts";

const PROBE_TIMEOUT_MS = 2_000;

export interface Readiness {
  ready: boolean;
  /** Names of the dependencies that did not answer, e.g. `["Redis"]`. */
  failing: string[];
  postgres: boolean;
  redis: boolean;
  clickhouse: boolean;
  /** The read replica answered; null: none configured. */
  postgresReplica: boolean | null;
  /** Where reads that may use a replica go now. */
  readsFrom: "replica" | "primary";
  /** What does not answer but is worked around, e.g. `["Postgres replica"]`. */
  degraded: string[];
}

export async function checkReadiness(connections: Connections): Promise<Readiness> {
  const { replica } = connections;
  const [postgres, redis, clickhouse, postgresReplica] = await Promise.all([
    probe(() => connections.pg.sql`select 1`),
    probe(() => connections.redis.ping()),
    probe(async () => {
      const result = await connections.ch.ping();
      if (!result.success) throw result.error;
    }),
    replica ? replica.probe() : null,
  ]);
  const failing = [
    ...(postgres ? [] : ["Postgres"]),
    ...(redis ? [] : ["Redis"]),
    ...(clickhouse ? [] : ["ClickHouse"]),
  ];
  return {
    ready: !failing.length,
    failing,
    postgres,
    redis,
    clickhouse,
    postgresReplica,
    readsFrom: postgresReplica ? "replica" : "primary",
    degraded: postgresReplica === false ? ["Postgres replica"] : [],
  };
}

async function probe(check: () => Promise<unknown>): Promise<boolean> {
  try {
    await withTimeout(check(), PROBE_TIMEOUT_MS);
    return true;
  } catch {
    return false;
  }
}

/** The answer to `/healthz`, `/readyz` or `/metrics`; null for any other path. */
export async function operationalResponse(
  req: Request,
  connections: Connections,
): Promise<Response | null> {
  const { pathname } = new URL(req.url);
  if (req.method !== "GET" && req.method !== "HEAD") return null;
  switch (pathname) {
    case "/healthz":
      return Response.json({ ok: true });
    case "/readyz": {
      const readiness = await checkReadiness(connections);
      return Response.json(readiness, { status: readiness.ready ? 200 : 503 });
    }
    case "/metrics":
      return new Response(await metricsText(), {
        headers: { "content-type": METRICS_CONTENT_TYPE },
      });
    default:
      return null;
  }
}

/**
 * A small HTTP server for a process without a web port of its own (publisher, worker):
 * the operator's endpoints and nothing else. Stopped by `shutdown()`.
 */
export function serveOperational(
  port: number,
  connections: Connections,
): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({
    port,
    hostname: "0.0.0.0",
    onListen: ({ port }) => log.info("health.listening", { port }),
  }, async (req) => {
    return await operationalResponse(req, connections) ??
      new Response("Not found: this port serves /healthz, /readyz and /metrics\n", {
        status: 404,
      });
  });
}
