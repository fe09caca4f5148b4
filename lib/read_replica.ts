/**
 * The region's read replica of Postgres (`DATABASE_REPLICA_URL`), and whether it answers.
 * It is probed at start, every few seconds, when one of its connections drops, and by
 * `/readyz`; while it does not answer, reads go to the primary instead, so a replica outage
 * slows the dashboard down rather than breaking it. Each change is one log line. Which reads may use it: web/read_routing.ts.
 *
 * ```ts
 * const replica = await openReadReplica(config.databaseReplicaUrl);
 * if (replica.available) ...; // replica.pg.db reads
 * await replica.close();
 * ```
 */
import { redactUrl } from "./config.ts";
import { withTimeout } from "./async.ts";
import { log } from "./logger.ts";
import { connectPostgres, type Postgres } from "../db/postgres/client.ts";

const PROBE_TIMEOUT_MS = 2_000;
const PROBE_EVERY_MS = 5_000;
/** Shown in pg_stat_activity, so an operator can tell the replica's readers apart. */
export const REPLICA_APPLICATION_NAME = "uptime-replica-reads";

export interface ReadReplica {
  pg: Postgres;
  /** The URL without its password, for logs and /readyz. */
  url: string;
  /** Whether the last probe was answered: reads may go there. */
  readonly available: boolean;
  /** Asks the replica now (bounded); updates {@link available}. */
  probe(): Promise<boolean>;
  close(): Promise<void>;
}

/** Opens the replica's pool and probes it once before returning; never throws for an outage. */
export async function openReadReplica(
  url: string,
  options: { probeEveryMs?: number } = {},
): Promise<ReadReplica> {
  let closed = false;
  // Read-only sessions: a write routed here by mistake fails loudly instead of landing.
  const pg = connectPostgres(url, {
    max: 10,
    connectTimeoutSeconds: PROBE_TIMEOUT_MS / 1000,
    applicationName: REPLICA_APPLICATION_NAME,
    readOnly: true,
    // A dropped connection may be the replica going away: ask now, not at the next tick.
    onConnectionClosed: () => {
      if (!closed) void probe();
    },
  });
  const shown = redactUrl(url);
  // Unknown until the first probe: the first line says which way it went.
  let available: boolean | null = null;
  const probe = async () => {
    let answered = true;
    let reason: string | undefined;
    try {
      await withTimeout(pg.sql`select 1`, PROBE_TIMEOUT_MS, "the replica probe");
    } catch (error) {
      answered = false;
      reason = error instanceof Error ? error.message : String(error);
    }
    if (answered !== available) {
      if (answered) log.info("db.replica_available", { replica: shown });
      else log.warn("db.replica_unavailable", { replica: shown, reason, readsFrom: "primary" });
    }
    available = answered;
    return answered;
  };
  await probe();
  const timer = setInterval(() => void probe(), options.probeEveryMs ?? PROBE_EVERY_MS);
  Deno.unrefTimer(timer);
  return {
    pg,
    url: shown,
    get available() {
      return available === true;
    },
    probe,
    close: async () => {
      closed = true;
      clearInterval(timer);
      await pg.close();
    },
  };
}
