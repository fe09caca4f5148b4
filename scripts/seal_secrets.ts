/**
 * `deno task secrets:seal [--unseal]`: seals every stored secret under the first key of
 * `SECRETS_KEY` (or, with `--unseal`, writes them back in plain); see
 * services/secrets/reseal.ts. Prints what it changed.
 */
import { getConfig } from "../lib/config.ts";
import { connectPostgres } from "../db/postgres/client.ts";
import { log, setLogContext } from "../lib/logger.ts";
import { resealSecrets } from "../services/secrets/reseal.ts";

if (import.meta.main) {
  setLogContext({ process: "secrets" });
  const mode = Deno.args.includes("--unseal") ? "unseal" : "seal";
  const config = getConfig();
  // The app's own client (drizzle's), so settings are written as the app writes them.
  const pg = connectPostgres(config.databaseUrl, { max: 1 });
  try {
    const outcome = await resealSecrets(pg.sql, config.secretKeys, mode);
    log.info(`secrets.${mode}ed`, { ...outcome });
    if (outcome.unreadable) {
      log.warn("secrets.unreadable", {
        rows: outcome.unreadable,
        hint: "sealed under a key SECRETS_KEY does not list; add that key and run again",
      });
    }
  } catch (error) {
    log.error(`secrets.${mode}_failed`, {
      message: error instanceof Error ? error.message : error,
    });
    Deno.exitCode = 1;
  } finally {
    await pg.close();
  }
}
