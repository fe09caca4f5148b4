/**
 * `deno task user:reset-password <email>`: prints a link with which the account's owner
 * chooses a new password (once, within an hour), for instances that send no email, or
 * for an owner whose mail does not arrive. Whoever runs it never learns the password.
 *
 * ```sh
 * deno task user:reset-password ada@example.com
 * ```
 */
import { getConfig } from "../lib/config.ts";
import { connectPostgres } from "../db/postgres/client.ts";
import { migratePostgres } from "../db/postgres/migrate.ts";
import { operatorResetLink, RESET_LINK_MINUTES } from "../services/users/password_reset.ts";
import { describeZodError } from "../web/trpc/errors.ts";
import { z } from "zod";

if (import.meta.main) {
  const [email] = Deno.args;
  if (!email || Deno.args.length > 1) {
    console.error("usage: deno task user:reset-password <email>");
    Deno.exit(2);
  }
  const config = getConfig();
  await migratePostgres(config.databaseUrl);
  const pg = connectPostgres(config.databaseUrl, { max: 1 });
  try {
    const link = await operatorResetLink({ sql: pg.sql, config }, email);
    if (link) {
      console.log(
        `Give this link to the owner of ${email.trim().toLowerCase()}. It works once, ` +
          `for ${RESET_LINK_MINUTES} minutes:\n${link}`,
      );
    } else {
      console.error(`no account has the email ${email.trim().toLowerCase()}`);
      Deno.exitCode = 1;
    }
  } catch (error) {
    if (!(error instanceof z.ZodError)) throw error;
    console.error(describeZodError(error));
    Deno.exitCode = 2;
  } finally {
    await pg.close();
  }
}
