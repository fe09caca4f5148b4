/**
 * Databases of a test's own. `deno task test` gives the run a base name (TEST_RUN_ID in
 * DATABASE_URL / CLICKHOUSE_URL); each helper call derives a new database from it, and
 * the runner drops them all at the end.
 */
import { parseConfig } from "../../lib/config.ts";

let counter = 0;

export const testConfig = () => parseConfig(Deno.env.toObject());

function uniqueName(): string {
  const base = Deno.env.get("TEST_RUN_ID");
  if (!base) throw new Error("run the tests with `deno task test`, which sets TEST_RUN_ID");
  return `${base}_${++counter}_${crypto.randomUUID().slice(0, 4)}`;
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** A URL naming a Postgres database that does not exist yet. */
export function newPostgresUrl(): string {
  return withDatabase(testConfig().databaseUrl, uniqueName());
}

/** A URL naming a ClickHouse database that does not exist yet. */
export function newClickHouseUrl(): string {
  return withDatabase(testConfig().clickhouseUrl, uniqueName());
}
