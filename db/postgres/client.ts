/** The Postgres connection (postgres.js) and its drizzle wrapper. */
import postgres from "postgres";
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import * as schema from "./schema.ts";

export type Database = PostgresJsDatabase<typeof schema>;

export interface Postgres {
  db: Database;
  sql: postgres.Sql;
  close(): Promise<void>;
}

export interface PostgresOptions {
  max?: number;
  /** Seconds a new connection may take; default 10. */
  connectTimeoutSeconds?: number;
  /** Shown in pg_stat_activity, e.g. "uptime-replica-reads". */
  applicationName?: string;
  /** Every transaction read-only: a write sent here fails instead of landing. */
  readOnly?: boolean;
  /** Called when one of the pool's connections closes (idle, or the server went away). */
  onConnectionClosed?: () => void;
}

/** Opens a pool; nothing connects until the first query. */
export function connectPostgres(url: string, options: PostgresOptions = {}): Postgres {
  const sql = postgres(url, {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeoutSeconds ?? 10,
    idle_timeout: 30,
    onnotice: () => {},
    ...(options.onConnectionClosed ? { onclose: options.onConnectionClosed } : {}),
    connection: {
      // A bound on every statement: a stuck query must fail, not hang a publisher cycle.
      statement_timeout: 30_000,
      ...(options.applicationName ? { application_name: options.applicationName } : {}),
      ...(options.readOnly ? { default_transaction_read_only: true } : {}),
    },
  });
  return {
    db: drizzle(sql, { schema }),
    sql,
    close: () => sql.end({ timeout: 5 }),
  };
}
