/**
 * A publisher/worker test bed: migrated Postgres and ClickHouse databases of its own, a
 * Redis key prefix of its own, a user, and helpers to add websites and read results.
 */
import { migratePostgres } from "../../db/postgres/migrate.ts";
import { connectPostgres } from "../../db/postgres/client.ts";
import { migrateClickHouse } from "../../db/clickhouse/migrations.ts";
import { connectClickHouse } from "../../db/clickhouse/client.ts";
import { literal, sql } from "../../db/clickhouse/sql.ts";
import { connectRedis } from "../../lib/redis.ts";
import { withTimeout } from "../../lib/async.ts";
import { Worker } from "../../worker/worker.ts";
import { LeaderLease } from "../../publisher/leader_lease.ts";
import { Publisher } from "../../publisher/publisher.ts";
import { redisKeys } from "../../lib/redis_keys.ts";
import { parseSecretKeys } from "../../lib/secret_box.ts";
import { newClickHouseUrl, newPostgresUrl, testConfig } from "./databases.ts";

export interface WebsiteSpec {
  url: string;
  regions: string[];
  intervalSeconds?: number;
  timeoutMs?: number;
  keyword?: string;
  /** Unset: the column defaults (2, "half"). */
  confirmations?: number;
  quorum?: "any" | "half" | "all";
}

/** 32 bytes in base64, for tests only. */
export const TEST_SECRETS_KEY = "dGVzdHMgc2VhbCB0aGVpciBzZWNyZXRzIHdpdGggdGg=";

/** `databaseUrl`: a Postgres of the test's own (e.g. one it stops) instead of the shared one. */
export async function pipelineBed(options: { databaseUrl?: string } = {}) {
  const config = testConfig();
  const databaseUrl = options.databaseUrl ?? newPostgresUrl();
  const clickhouseUrl = newClickHouseUrl();
  await Promise.all([
    migratePostgres(databaseUrl),
    migrateClickHouse(clickhouseUrl, { retentionDays: 90 }),
  ]);
  const pg = connectPostgres(databaseUrl);
  const ch = connectClickHouse(clickhouseUrl);
  const redis = connectRedis(config.redisUrl, { name: "test" });
  const prefix = `${config.redisKeyPrefix}${crypto.randomUUID().slice(0, 8)}:`;
  const keys = redisKeys(prefix);
  const [owner] = await pg.sql`
    insert into users (email, password_hash) values (${`${crypto.randomUUID()}@example.com`}, 'x')
    returning id`;

  return {
    pg,
    ch,
    redis,
    keys,
    /** Environment for a publisher or worker process using this bed. */
    env: {
      DATABASE_URL: databaseUrl,
      CLICKHOUSE_URL: clickhouseUrl,
      REDIS_URL: config.redisUrl,
      REDIS_KEY_PREFIX: prefix,
      ALLOW_PRIVATE_TARGETS: "true",
      LOG_LEVEL: "info",
      // Every test's channel settings, request headers and two-factor keys are sealed, as in
      // production.
      SECRETS_KEY: TEST_SECRETS_KEY,
    } as Record<string, string>,

    /** Inserts websites due now; returns their ids. */
    async addWebsites(count: number, spec: WebsiteSpec): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < count; i += 5_000) {
        const rows = Array.from({ length: Math.min(5_000, count - i) }, () => ({
          owner_id: owner.id,
          url: spec.url,
          regions: spec.regions,
          interval_seconds: spec.intervalSeconds ?? null,
          timeout_ms: spec.timeoutMs ?? null,
          keyword: spec.keyword ?? null,
          ...spec.confirmations === undefined ? {} : { confirmations: spec.confirmations },
          ...spec.quorum === undefined ? {} : { quorum: spec.quorum },
        }));
        const inserted = await pg.sql`insert into websites ${pg.sql(rows)} returning id`;
        ids.push(...inserted.map((r) => r.id as string));
      }
      return ids;
    },

    /** Stored results: raw rows (duplicates included) and distinct checks. */
    async resultCounts(): Promise<{ rows: number; checks: number }> {
      const [row] = await ch.rows<{ rows: string; checks: string }>(
        sql`SELECT count() AS rows,
                uniqExact(website_id, region_id, scheduled_at) AS checks FROM checks`,
      );
      return { rows: Number(row.rows), checks: Number(row.checks) };
    },

    async resultsFor(websiteId: string) {
      return await ch.rows<{ region_id: string; outcome: string; error_kind: string; n: string }>(
        sql`SELECT region_id, outcome, error_kind, count() AS n FROM checks
         WHERE website_id = ${literal.uuid(websiteId)}
         GROUP BY region_id, outcome, error_kind ORDER BY region_id`,
      );
    },

    async close(): Promise<void> {
      redis.disconnect();
      await Promise.all([pg.close(), ch.close()]);
    },
  };
}

export type PipelineBed = Awaited<ReturnType<typeof pipelineBed>>;

/** A local HTTP target that answers 200 "ok" and counts requests. */
export function startTarget(handler?: (req: Request) => Response | Promise<Response>) {
  let requests = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    requests++;
    return handler ? handler(req) : new Response("ok");
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/`,
    get requests() {
      return requests;
    },
    close: () => server.shutdown(),
  };
}

/** Polls until `done` returns true; fails after `timeoutMs` with the last state. */
export async function eventually(
  done: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // An attempt that never settles (a browser call without a timeout) fails too.
    const attempt = Promise.resolve(done());
    if (await withTimeout(attempt, deadline - Date.now() + 5_000, `checking ${what}`)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/**
 * A publisher on the bed's connections with a lease of its own; websites without their own
 * interval or timeout get 180 s and `timeoutMs`.
 */
export function publisherFor(
  bed: PipelineBed,
  { leaseMs = 10_000, timeoutMs = 2_000, readAnywayMs }: {
    leaseMs?: number;
    timeoutMs?: number;
    readAnywayMs?: number;
  } = {},
): Publisher {
  const lease = new LeaderLease(bed.redis, bed.keys.publisherLease, leaseMs);
  return new Publisher({
    sql: bed.pg.sql,
    redis: bed.redis,
    keys: bed.keys,
    lease,
    defaults: { intervalSeconds: 180, timeoutMs },
    readAnywayMs,
    secretKeys: parseSecretKeys(TEST_SECRETS_KEY),
  });
}

/** A worker in this process; `stop()` drains it as SIGTERM would. */
export function startWorker(
  bed: PipelineBed,
  region: string,
  options: Partial<ConstructorParameters<typeof Worker>[0]> = {},
) {
  const reader = connectRedis(testConfig().redisUrl, { name: "reader", commandTimeoutMs: 6_000 });
  const worker = new Worker({
    sql: bed.pg.sql,
    redis: bed.redis,
    reader,
    ch: bed.ch,
    keys: bed.keys,
    region,
    concurrency: 50,
    reclaimIdleMs: 60_000,
    maxDeliveries: 5,
    allowPrivateTargets: true,
    flushDelayMs: 50,
    ...options,
  });
  const controller = new AbortController();
  const done = worker.run(controller.signal);
  return {
    worker,
    async stop() {
      controller.abort();
      await done;
      reader.disconnect();
    },
  };
}
