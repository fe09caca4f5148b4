/**
 * Gives a test or benchmark run a Postgres database, ClickHouse database and Redis key
 * prefix of its own (derived from one run id), starting any missing local service, and
 * removes all of it afterwards.
 */
import postgres from "postgres";
import { Redis } from "ioredis";
import type { Config } from "../lib/config.ts";
import { connectClickHouse } from "../db/clickhouse/client.ts";
import { identifier, literal, sql } from "../db/clickhouse/sql.ts";
import { ensureLocalServices } from "./local_services.ts";

export interface IsolatedRun {
  /** Environment for the child process: TEST_RUN_ID and the per-run URLs and prefix. */
  env: Record<string, string>;
  /** Drops what the run created and stops the services this run started. */
  finish(): Promise<void>;
}

export async function startIsolatedRun(config: Config, kind: string): Promise<IsolatedRun> {
  const services = await ensureLocalServices(config);
  if (services.started.length) console.log(`started for this run: ${services.started.join(", ")}`);
  const runId = `uptime_${kind}_${Date.now().toString(36)}_${crypto.randomUUID().slice(0, 6)}`;
  const env = {
    TEST_RUN_ID: runId,
    DATABASE_URL: withDatabase(config.databaseUrl, runId),
    CLICKHOUSE_URL: withDatabase(config.clickhouseUrl, runId),
    REDIS_URL: config.redisUrl,
    REDIS_KEY_PREFIX: `${runId}:`,
    ALLOW_PRIVATE_TARGETS: "true",
    LOG_LEVEL: Deno.env.get("LOG_LEVEL") ?? "warn",
  };
  return {
    env,
    async finish() {
      await dropRunData(config, runId).catch((error) =>
        console.error(`cleanup of ${runId} failed: ${error.message}`)
      );
      await services.stop();
    },
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Drops every database and key whose name starts with the run id. */
async function dropRunData(config: Config, runId: string): Promise<void> {
  const pg = postgres(withDatabase(config.databaseUrl, "postgres"), {
    max: 1,
    onnotice: () => {},
  });
  try {
    const rows = await pg`select datname from pg_database where starts_with(datname, ${runId})`;
    for (const { datname } of rows) {
      await pg.unsafe(`drop database if exists "${datname}" with (force)`);
    }
  } finally {
    await pg.end();
  }
  const ch = connectClickHouse(config.clickhouseUrl, { database: "default" });
  try {
    const rows = await ch.rows<{ name: string }>(
      sql`SELECT name FROM system.databases WHERE startsWith(name, ${literal.string(runId)})`,
    );
    for (const { name } of rows) {
      await ch.command(sql`DROP DATABASE ${identifier(name)}`);
    }
  } finally {
    await ch.close();
  }
  const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${runId}:*`, "COUNT", 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}
