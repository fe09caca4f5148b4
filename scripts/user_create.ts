/**
 * `deno task user:create <email> [name]`: creates an account, for instances with
 * `SIGNUP=closed`. The password is read from standard input (a pipe, or typed at the
 * prompt), never from the command line, where `ps` and shell history would keep it.
 *
 * ```sh
 * deno task user:create ada@example.com "Ada Lovelace"
 * printf '%s' "$PASSWORD" | deno task user:create ada@example.com
 * ```
 */
import { getConfig } from "../lib/config.ts";
import { connectPostgres } from "../db/postgres/client.ts";
import { migratePostgres } from "../db/postgres/migrate.ts";
import { createUser, signupInput } from "../services/users/accounts.ts";
import { DomainError } from "../services/errors.ts";
import { describeZodError } from "../web/trpc/errors.ts";

async function readPassword(): Promise<string> {
  if (Deno.stdin.isTerminal()) {
    return prompt("Password (at least 8 characters; shown as you type):") ?? "";
  }
  const text = await new Response(Deno.stdin.readable).text();
  return text.replace(/\r?\n$/, "");
}

if (import.meta.main) {
  const [email, name] = Deno.args;
  if (!email) {
    console.error("usage: deno task user:create <email> [name]   (password on standard input)");
    Deno.exit(2);
  }
  const parsed = signupInput.safeParse({ email, name, password: await readPassword() });
  if (!parsed.success) {
    console.error(describeZodError(parsed.error));
    Deno.exit(2);
  }
  const config = getConfig();
  await migratePostgres(config.databaseUrl);
  const pg = connectPostgres(config.databaseUrl, { max: 1 });
  try {
    const user = await createUser({ db: pg.db }, parsed.data);
    console.log(`created ${user.email} (${user.id})`);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    console.error(error.message);
    Deno.exitCode = 1;
  } finally {
    await pg.close();
  }
}
