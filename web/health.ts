/** `GET /healthz`: whether this web process can reach what it depends on. */
import type { Connections } from "../lib/connections.ts";
import { withTimeout } from "../lib/async.ts";

const PROBE_TIMEOUT_MS = 2_000;

export interface HealthReport {
  ok: boolean;
  postgres: boolean;
  redis: boolean;
  clickhouse: boolean;
}

export async function healthReport(connections: Connections): Promise<HealthReport> {
  const [postgres, redis, clickhouse] = await Promise.all([
    probe(() => connections.pg.sql`select 1`),
    probe(() => connections.redis.ping()),
    probe(async () => {
      const result = await connections.ch.client.ping();
      if (!result.success) throw result.error;
    }),
  ]);
  return { ok: postgres && redis && clickhouse, postgres, redis, clickhouse };
}

async function probe(check: () => Promise<unknown>): Promise<boolean> {
  try {
    await withTimeout(check(), PROBE_TIMEOUT_MS);
    return true;
  } catch {
    return false;
  }
}
