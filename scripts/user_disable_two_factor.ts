/**
 * `deno task user:disable-two-factor <email>`: turns two-factor authentication off for an
 * account whose owner lost both the phone and the recovery codes, once the operator is sure
 * who is asking. The password then signs in alone; its owner can turn it on again.
 *
 * ```sh
 * deno task user:disable-two-factor ada@example.com
 * ```
 */
import { getConfig } from "../lib/config.ts";
import { connectPostgres } from "../db/postgres/client.ts";
import { migratePostgres } from "../db/postgres/migrate.ts";
import { operatorDisableTwoFactor } from "../services/users/two_factor.ts";

if (import.meta.main) {
  const [email] = Deno.args;
  if (!email || Deno.args.length > 1) {
    console.error("usage: deno task user:disable-two-factor <email>");
    Deno.exit(2);
  }
  const config = getConfig();
  await migratePostgres(config.databaseUrl);
  const pg = connectPostgres(config.databaseUrl, { max: 1 });
  try {
    if (await operatorDisableTwoFactor(pg.sql, email)) {
      console.log(`two-factor authentication is off for ${email.trim().toLowerCase()}`);
    } else {
      console.error(`no account with two-factor authentication on has the email ${email}`);
      Deno.exitCode = 1;
    }
  } finally {
    await pg.close();
  }
}
