/**
 * What `deno task dev` says once everything is up: where to open the app, and on a
 * database without accounts, how to create the first one.
 */
import type { Config } from "../lib/config.ts";
import { connectPostgres } from "../db/postgres/client.ts";

export async function welcome(config: Config): Promise<string> {
  const pg = connectPostgres(config.databaseUrl, { max: 1 });
  try {
    const [{ count }] = await pg.sql<{ count: string }[]>`select count(*) from users`;
    const lines = [`Uptime is running: open ${config.appUrl}`];
    if (Number(count) === 0) {
      lines.push(
        config.signup === "closed"
          ? "No account yet, and sign-up is closed (SIGNUP=closed): create one with deno task user:create"
          : `No account yet: create the first one at ${new URL("/signup", config.appUrl)}`,
      );
    }
    return lines.join("\n");
  } finally {
    await pg.close();
  }
}
