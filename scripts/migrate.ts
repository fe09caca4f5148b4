/** `deno task db:migrate`: creates the databases if needed and applies pending migrations. */
import { getConfig } from "../lib/config.ts";
import { log, setLogContext } from "../lib/logger.ts";
import { migratePostgres } from "../db/postgres/migrate.ts";
import { migrateClickHouse } from "../db/clickhouse/migrations.ts";

export async function migrateAll(): Promise<void> {
  const config = getConfig();
  await migratePostgres(config.databaseUrl);
  const applied = await migrateClickHouse(config.clickhouseUrl, {
    retentionDays: config.retentionDays,
  });
  log.info("migrations.applied", { clickhouse: applied });
}

if (import.meta.main) {
  setLogContext({ process: "migrate" });
  try {
    await migrateAll();
  } catch (error) {
    log.error("migrations.failed", { message: error instanceof Error ? error.message : error });
    Deno.exit(1);
  }
}
