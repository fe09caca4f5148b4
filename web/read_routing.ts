/**
 * Which Postgres a web request reads from: the region's replica or the primary.
 *
 * Writes always go to the primary (`services.db`, `services.sql`). Reads that may lag by
 * the replica's delay use `services.readDb` / `services.readSql`, which this module points
 * at the replica only when all of these hold:
 * - a replica is configured (`DATABASE_REPLICA_URL`) and answered its last probe;
 * - the request reads (GET, HEAD, OPTIONS): in a writing request every read is the
 *   primary's, so a check or a loader inside a mutation sees the latest state;
 * - it was not replayed by Fly (`fly-replay-src`: it belongs to the primary region);
 * - this client wrote nothing in the last `READ_YOUR_WRITES_SECONDS`: every writing
 *   request's answer sets a short-lived cookie, so the page after a form's 303, or the
 *   list after a mutation, shows what was just written even where the replica lags.
 * Outside a request (scripts, tests calling services) reads are the primary's.
 *
 * Session lookups and access checks use `services.db` whatever the request: a signed-out
 * session must stop working at once in every region.
 *
 * ```ts
 * const reads = readRouting(config, primary, replica);
 * const services = { ...rest, db, sql, readDb: reads.db, readSql: reads.sql };
 * const handler = (req) => reads.serve(req, () => app(req));
 * ```
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type postgres from "postgres";
import type { Config } from "../lib/config.ts";
import type { ReadReplica } from "../lib/read_replica.ts";
import type { Database, Postgres } from "../db/postgres/client.ts";
import { readCookie } from "./trpc/cookies.ts";

/** Set on every writing request's answer; its value is the write's time (epoch ms). */
export const RECENT_WRITE_COOKIE = "uptime_recent_write";

const READING_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface ReadRouting {
  /** Reads on the connection this request may read from. */
  db: Database;
  sql: postgres.Sql;
  /** Runs a request's handler with its reads routed, and marks a writing request's answer. */
  serve(req: Request, handle: () => Promise<Response>): Promise<Response>;
}

/** Whether this request may read from a replica (before asking whether one answers). */
export function mayReadReplica(req: Request, config: Config, now = Date.now()): boolean {
  if (!READING_METHODS.has(req.method.toUpperCase())) return false;
  if (req.headers.has("fly-replay-src")) return false;
  const wroteAt = Number(readCookie(req, RECENT_WRITE_COOKIE));
  // A write within the window, or a clock skewed into the future: the primary.
  return !(wroteAt > now - config.readYourWritesSeconds * 1000);
}

export function readRouting(
  config: Config,
  primary: Postgres,
  replica: ReadReplica | null,
): ReadRouting {
  const requests = new AsyncLocalStorage<{ replicaAllowed: boolean }>();
  // Asked at each query, not once per request: a replica that stops answering mid-request
  // (or under a long-lived socket) sends the next read to the primary.
  const current = (): Postgres =>
    replica?.available && requests.getStore()?.replicaAllowed ? replica.pg : primary;
  return {
    db: routedDb(primary.db, () => current().db),
    sql: routedSql(primary.sql, () => current().sql),
    async serve(req, handle) {
      const replicaAllowed = replica !== null && mayReadReplica(req, config);
      const response = await requests.run({ replicaAllowed }, handle);
      if (!config.replicasInUse || READING_METHODS.has(req.method.toUpperCase())) return response;
      return withCookie(response, recentWriteCookie(config, req));
    },
  };
}

function recentWriteCookie(config: Config, req: Request): string {
  const secure = new URL(req.url).protocol === "https:" ||
    req.headers.get("x-forwarded-proto") === "https";
  return [
    `${RECENT_WRITE_COOKIE}=${Date.now()}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${config.readYourWritesSeconds}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

function withCookie(response: Response, cookie: string): Response {
  try {
    response.headers.append("set-cookie", cookie);
    return response;
  } catch {
    // Immutable headers (Response.redirect): a copy carries the cookie.
    const copy = new Response(response.body, response);
    copy.headers.append("set-cookie", cookie);
    return copy;
  }
}

/** A drizzle database whose every use goes to `pick()`'s at that moment. */
function routedDb(shape: Database, pick: () => Database): Database {
  return new Proxy(shape, {
    get(_target, property) {
      const db = pick();
      const value = Reflect.get(db, property, db);
      return typeof value === "function" ? value.bind(db) : value;
    },
  });
}

/** A postgres.js `sql` (tagged template, helpers) that runs on `pick()`'s at that moment. */
function routedSql(shape: postgres.Sql, pick: () => postgres.Sql): postgres.Sql {
  return new Proxy(shape, {
    apply(_target, _this, args) {
      return (pick() as unknown as (...a: unknown[]) => unknown)(...args);
    },
    get(_target, property) {
      const sql = pick();
      const value = Reflect.get(sql, property, sql);
      return typeof value === "function" ? value.bind(sql) : value;
    },
  });
}
