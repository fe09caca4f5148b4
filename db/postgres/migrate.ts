/** Creates the database when it is missing and applies drizzle-kit's migrations once. */
import postgres from "postgres";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { connectPostgres } from "./client.ts";

const migrationsFolder = new URL("./migrations", import.meta.url).pathname;
// Any fixed number: it only has to be the same for every process migrating this database.
const MIGRATION_LOCK = 7_307_001;

/** `CREATE DATABASE` for the URL's database unless it exists (via the `postgres` database). */
export async function ensureDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!name) throw new Error("DATABASE_URL names no database (expected …/uptime)");
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const sql = postgres(admin.toString(), { max: 1, connect_timeout: 10, onnotice: () => {} });
  try {
    const [row] = await sql`select 1 as found from pg_database where datname = ${name}`;
    if (!row) {
      await sql.unsafe(`create database "${name.replaceAll('"', '""')}"`).catch((error) => {
        // Another process created it between our look and our create (42P04, or 23505
        // when both inserted into pg_database at once).
        if (error?.code !== "42P04" && error?.code !== "23505") throw error;
      });
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Applies pending migrations; safe to run concurrently and repeatedly. */
export async function migratePostgres(url: string): Promise<void> {
  await ensureDatabase(url);
  const pg = connectPostgres(url, { max: 2 });
  const lock = await pg.sql.reserve();
  try {
    await lock`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(pg.db, { migrationsFolder });
  } finally {
    await lock`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => {});
    lock.release();
    await pg.close();
  }
}
