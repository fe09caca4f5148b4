/** The ClickHouse connection; the path of `CLICKHOUSE_URL` names the database. */
import {
  type ClickHouseClient,
  ClickHouseLogLevel,
  createClient,
  type Logger,
} from "@clickhouse/client";
import { log } from "../../lib/logger.ts";
import { identifier } from "./sql.ts";

/** Routes the client's own messages into our logger: one JSON line, no stack. */
class ClientLogger implements Logger {
  trace() {}
  debug() {}
  info() {}
  warn({ message, err }: { message: string; err?: Error }) {
    log.debug("clickhouse.client", { message, error: err });
  }
  error({ message, err }: { message: string; err: Error }) {
    log.warn("clickhouse.client", { message, error: err });
  }
}

export interface ClickHouse {
  client: ClickHouseClient;
  database: string;
  /** Runs a query and returns its rows (JSONEachRow). */
  rows<T>(query: string): Promise<T[]>;
  close(): Promise<void>;
}

/** Splits `http://host:8123/uptime` into the server URL and the database name. */
export function parseClickHouseUrl(url: string): { server: string; database: string } {
  const parsed = new URL(url);
  const database = identifier(decodeURIComponent(parsed.pathname.slice(1)) || "default");
  parsed.pathname = "/";
  return { server: parsed.toString(), database };
}

export function connectClickHouse(
  url: string,
  options: { database?: string; timeoutMs?: number } = {},
): ClickHouse {
  const { server, database } = parseClickHouseUrl(url);
  const parsed = new URL(server);
  const db = options.database ?? database;
  const client = createClient({
    url: `${parsed.protocol}//${parsed.host}`,
    username: decodeURIComponent(parsed.username) || "default",
    password: decodeURIComponent(parsed.password),
    database: db,
    request_timeout: options.timeoutMs ?? 30_000,
    // 18.16 rejects settings it does not know; send none by default.
    clickhouse_settings: {},
    // Failures reach our callers as errors; the client's own lines would repeat them.
    log: { LoggerClass: ClientLogger, level: ClickHouseLogLevel.WARN },
  });
  return {
    client,
    database: db,
    async rows<T>(query: string): Promise<T[]> {
      const result = await client.query({ query, format: "JSONEachRow" });
      return await result.json<T>();
    },
    close: () => client.close(),
  };
}

/** `[major, minor]` of the server, for features newer servers have (TTL). */
export async function serverVersion(ch: ClickHouse): Promise<[number, number]> {
  const [row] = await ch.rows<{ v: string }>("SELECT version() AS v");
  const [major, minor] = row.v.split(".").map(Number);
  return [major, minor];
}
