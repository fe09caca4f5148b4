/**
 * Postgres, Redis and ClickHouse of the benchmark's own, on free ports with data in a
 * temporary folder, so that their CPU and memory figures are this benchmark's alone and
 * not those of everyone else using the shared servers.
 */
import postgres from "postgres";
import { ensureLocalServices } from "../../scripts/local_services.ts";
import { freePort } from "./system_stack.ts";

export interface PrivateServers {
  env: { DATABASE_URL: string; REDIS_URL: string; CLICKHOUSE_URL: string };
  /** Server name → pids (Postgres: the postmaster and its backends). */
  pids(): Map<string, number[]>;
  stop(): Promise<void>;
}

export async function startPrivateServers(): Promise<PrivateServers> {
  const dataDir = await Deno.makeTempDir({ prefix: "syscost-bench-" });
  // Postgres runs as its own user when we are root; it must reach its folder.
  await Deno.chmod(dataDir, 0o755);
  const env = {
    DATABASE_URL: `postgres://postgres@127.0.0.1:${freePort()}/uptime_bench`,
    REDIS_URL: `redis://127.0.0.1:${freePort()}`,
    CLICKHOUSE_URL: `http://127.0.0.1:${freePort()}/uptime_bench`,
  };
  const services = await ensureLocalServices({
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    clickhouseUrl: env.CLICKHOUSE_URL,
  }, { dataDir: `${dataDir}/` });
  // Commits need not wait for the disk: the run measures CPU, and monitors are created
  // one commit each (a slow shared disk made that take minutes).
  const admin = postgres(env.DATABASE_URL.replace(/\/uptime_bench$/, "/postgres"), { max: 1 });
  try {
    await admin`alter system set synchronous_commit = off`;
    await admin`select pg_reload_conf()`;
  } finally {
    await admin.end();
  }
  return {
    env,
    pids: () => serverPidsUnder(dataDir, `:${new URL(env.REDIS_URL).port}`),
    async stop() {
      await services.stop();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}

/**
 * Processes whose command line names `dir` (Redis: shows only its address), and their
 * children, by server.
 */
function serverPidsUnder(dir: string, redisAddress: string): Map<string, number[]> {
  const byName = new Map<string, number[]>([["redis", []], ["clickhouse", []], ["postgres", []]]);
  const parents = new Map<number, string>();
  const children: [pid: number, ppid: number][] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const pid = Number(entry.name);
    try {
      const cmdline = Deno.readTextFileSync(`/proc/${pid}/cmdline`).replaceAll("\0", " ");
      const name = cmdline.includes("redis-server") && cmdline.includes(redisAddress)
        ? "redis"
        : cmdline.includes(dir)
        ? ["clickhouse", "postgres"].find((n) => cmdline.includes(n))
        : undefined;
      if (name) parents.set(pid, name);
      const ppid = /PPid:\s+(\d+)/.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
      if (ppid) children.push([pid, Number(ppid[1])]);
    } catch {
      continue; // gone meanwhile
    }
  }
  for (const [pid, name] of parents) byName.get(name)!.push(pid);
  for (const [pid, ppid] of children) {
    const name = parents.get(ppid);
    if (name && !parents.has(pid)) byName.get(name)!.push(pid);
  }
  return byName;
}
