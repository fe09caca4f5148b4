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

/** Opens a pool; nothing connects until the first query. */
export function connectPostgres(url: string, options: { max?: number } = {}): Postgres {
  const sql = postgres(url, {
    max: options.max ?? 10,
    connect_timeout: 10,
    idle_timeout: 30,
    onnotice: () => {},
    // A bound on every statement: a stuck query must fail, not hang a publisher cycle.
    connection: { statement_timeout: 30_000 },
  });
  return {
    db: drizzle(sql, { schema }),
    sql,
    close: () => sql.end({ timeout: 5 }),
  };
}
