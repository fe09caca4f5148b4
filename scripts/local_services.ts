/**
 * Makes sure Postgres, Redis and ClickHouse answer at their configured URLs, starting
 * the missing ones from the binaries on PATH with data under `.data/` (git-ignored).
 * Used by `deno task dev` and `deno task test`; whatever it started, `stop()` stops.
 *
 * ```ts
 * const services = await ensureLocalServices(getConfig());
 * try { ... } finally { await services.stop(); }
 * ```
 */
import postgres from "postgres";
import { type Config, redactUrl } from "../lib/config.ts";

export interface LocalServices {
  /** Names of the services this call started (the others were already running). */
  started: string[];
  stop(): Promise<void>;
}

interface Service {
  name: string;
  url: string;
  reachable(): Promise<boolean>;
  start(dataDir: string): Promise<Deno.ChildProcess>;
}

const DEFAULT_DATA_DIR = new URL("../.data/", import.meta.url).pathname;
const START_TIMEOUT_MS = 60_000;
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

export async function ensureLocalServices(
  config: Pick<Config, "databaseUrl" | "redisUrl" | "clickhouseUrl">,
  options: { dataDir?: string; only?: string[] } = {},
): Promise<LocalServices> {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const services = [
    postgresService(config.databaseUrl),
    redisService(config.redisUrl),
    clickhouseService(config.clickhouseUrl),
  ].filter((service) => !options.only || options.only.includes(service.name));
  const children: { name: string; child: Deno.ChildProcess }[] = [];
  const stop = async () => {
    for (const { child } of children.reverse()) await stopChild(child);
  };
  try {
    for (const service of services) {
      if (await service.reachable()) continue;
      const host = new URL(service.url).hostname;
      if (!LOCAL_HOSTS.has(host)) {
        throw new Error(`${service.name} is not reachable at ${redactUrl(service.url)}`);
      }
      const child = await service.start(dataDir);
      children.push({ name: service.name, child });
      await waitUntil(service, child);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { started: children.map((c) => c.name), stop };
}

async function waitUntil(service: Service, child: Deno.ChildProcess): Promise<void> {
  let exited = false;
  child.status.then(() => exited = true);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited) break;
    if (await service.reachable()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `${service.name} did not start at ${redactUrl(service.url)}; see its log under .data/`,
  );
}

async function stopChild(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch {
    return; // already gone
  }
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* exited meanwhile */ }
  }, 15_000);
  await child.status;
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------

function redisService(url: string): Service {
  const { hostname, port } = hostAndPort(url, 6379);
  return {
    name: "Redis",
    url,
    reachable: () => answersTcp(hostname, port),
    async start(dataDir) {
      const binary = await findBinary("redis-server", "redis-server", "redis");
      const dir = `${dataDir}redis-${port}`;
      await Deno.mkdir(dir, { recursive: true });
      return spawn(binary, [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        dir,
        "--logfile",
        `${dir}/redis.log`,
      ]);
    },
  };
}

function postgresService(url: string): Service {
  const { hostname, port } = hostAndPort(url, 5432);
  return {
    name: "Postgres",
    url,
    reachable: async () => (await answersTcp(hostname, port)) && await acceptsSessions(url),
    async start(dataDir) {
      const initdb = await findBinary("initdb", "postgresql", "postgresql");
      const postgres = await findBinary("postgres", "postgresql", "postgresql");
      const dir = `${dataDir}postgres-${port}`;
      // Postgres refuses to run as root; run it as the `postgres` user when we are root.
      const asUser = Deno.uid() === 0 ? ["runuser", "-u", "postgres", "--"] : [];
      await Deno.mkdir(dir, { recursive: true });
      if (asUser.length) await run("chown", ["postgres", dir]);
      if (!(await exists(`${dir}/PG_VERSION`))) {
        const [cmd, ...prefix] = [...asUser, initdb];
        await run(cmd, [...prefix, "-D", dir, "-U", "postgres", "--auth=trust", "-E", "UTF8"]);
      }
      const [cmd, ...prefix] = [...asUser, postgres];
      return spawn(cmd, [
        ...prefix,
        "-D",
        dir,
        "-p",
        String(port),
        "-h",
        "127.0.0.1",
        "-k",
        dir,
      ]);
    },
  };
}

function clickhouseService(url: string): Service {
  const { port } = hostAndPort(url, 8123);
  const base = new URL(url);
  return {
    name: "ClickHouse",
    url,
    async reachable() {
      try {
        const response = await fetch(`${base.protocol}//${base.host}/ping`, {
          signal: AbortSignal.timeout(1_000),
        });
        await response.body?.cancel();
        return response.ok;
      } catch {
        return false;
      }
    },
    async start(dataDir) {
      const binary = await findBinary("clickhouse-server", "clickhouse-server", "clickhouse");
      const dir = `${dataDir}clickhouse-${port}/`;
      await Deno.mkdir(`${dir}tmp`, { recursive: true });
      const [tcp, interserver] = freePorts(2);
      // Debian's packaged config, with every path and port overridden below.
      const packaged = "/etc/clickhouse-server/config.xml";
      const config = (await exists(packaged)) ? [`--config-file=${packaged}`] : [];
      return spawn(binary, [
        ...config,
        "--",
        `--path=${dir}`,
        `--tmp_path=${dir}tmp/`,
        `--user_files_path=${dir}user_files/`,
        `--format_schema_path=${dir}format_schemas/`,
        `--http_port=${port}`,
        `--tcp_port=${tcp}`,
        `--interserver_http_port=${interserver}`,
        `--logger.log=${dir}server.log`,
        `--logger.errorlog=${dir}server.err.log`,
      ], dir);
    },
  };
}

// ---------------------------------------------------------------------------------------

function hostAndPort(url: string, defaultPort: number) {
  const parsed = new URL(url);
  const hostname = parsed.hostname === "localhost" ? "127.0.0.1" : parsed.hostname;
  return { hostname, port: Number(parsed.port) || defaultPort };
}

/**
 * A server that takes connections may still refuse sessions while it starts up or
 * recovers (57P03, "the database system is starting up"). Any other answer, even an
 * unknown database, means it is up.
 */
async function acceptsSessions(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    return code !== "57P03" && code !== "ECONNREFUSED" && code !== "CONNECT_TIMEOUT";
  } finally {
    await sql.end({ timeout: 1 });
  }
}

async function answersTcp(hostname: string, port: number): Promise<boolean> {
  try {
    const conn = await Promise.race([
      Deno.connect({ hostname: hostname.replace(/[[\]]/g, ""), port }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), 1_000)),
    ]);
    conn.close();
    return true;
  } catch {
    return false;
  }
}

/** The binary on PATH (or Debian's Postgres folders), or an error naming the package. */
async function findBinary(name: string, debian: string, brew: string): Promise<string> {
  const dirs = (Deno.env.get("PATH") ?? "").split(":");
  if (name === "initdb" || name === "postgres") {
    for await (const entry of readDirOrEmpty("/usr/lib/postgresql")) {
      dirs.push(`/usr/lib/postgresql/${entry.name}/bin`);
    }
  }
  for (const dir of dirs) {
    if (dir && await exists(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  throw new Error(
    `${name} is not installed: apt-get install -y ${debian} (Debian/Ubuntu) or brew install ${brew} (macOS)`,
  );
}

async function* readDirOrEmpty(path: string) {
  try {
    yield* Deno.readDir(path);
  } catch { /* no such folder */ }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

function spawn(cmd: string, args: string[], cwd?: string): Deno.ChildProcess {
  return new Deno.Command(cmd, { args, cwd, stdin: "null", stdout: "null", stderr: "null" })
    .spawn();
}

async function run(cmd: string, args: string[]): Promise<void> {
  const { code, stderr } = await new Deno.Command(cmd, { args, stdout: "null", stderr: "piped" })
    .output();
  if (code !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} failed: ${new TextDecoder().decode(stderr).trim()}`);
  }
}

function freePorts(count: number): number[] {
  const listeners = Array.from(
    { length: count },
    () => Deno.listen({ hostname: "127.0.0.1", port: 0 }),
  );
  const ports = listeners.map((l) => (l.addr as Deno.NetAddr).port);
  for (const l of listeners) l.close();
  return ports;
}
