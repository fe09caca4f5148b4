/**
 * The real processes of one installation, as production starts them (the commands of
 * deno.json's `start`, `publisher` and `worker` tasks, V8 flags included, without the
 * `deno task` wrapper, and fly.toml's allocator setting), and signed-up API clients that
 * add monitors through tRPC `website.create` like any user.
 */
import { parse } from "smol-toml";
import { createApiClient } from "../../web/trpc/client.ts";
import { withTimeout } from "../../lib/async.ts";

const root = new URL("../../", import.meta.url).pathname;
/**
 * Each account's creates run one after another (a create locks its owner to enforce the
 * per-account limit), so larger loads are spread over a few accounts, created as needed;
 * sign-ups are limited to 10 a minute per address.
 */
const MONITORS_PER_ACCOUNT = 250;
const MAX_ACCOUNTS = 8;

export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

export interface Stack {
  /** Process name (`web`, `publisher`, `worker`, `worker2`, …) → pid. */
  pids: Map<string, number>;
  baseUrl: string;
  /** Adds `count` monitors of `targetUrl` at `intervalSeconds` through the API. */
  createMonitors(count: number, targetUrl: string, intervalSeconds: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `standalone`: web, publisher and the first worker in one process (`deno task
 * standalone`), the other workers in processes of their own.
 */
export async function startStack(
  env: Record<string, string>,
  workers: number,
  standalone = false,
): Promise<Stack> {
  const port = freePort();
  const processEnv = {
    ...await allocatorEnv(),
    ...Deno.env.toObject(),
    ...env,
    PORT: String(port),
  };
  const tasks = await taskArgs();
  const workerEntries = Array.from(
    { length: workers },
    (_, i) => [i ? `worker${i + 1}` : "worker", tasks.worker] as [string, string[]],
  );
  const entries: [string, string[]][] = standalone
    ? [["standalone", tasks.standalone], ...workerEntries.slice(1)]
    : [["web", tasks.start], ["publisher", tasks.publisher], ...workerEntries];
  const children = new Map(entries.map(([name, [run, ...args]]) => [
    name,
    new Deno.Command(Deno.execPath(), {
      args: [run, ...profileFlags(name), ...args],
      cwd: root,
      env: processEnv,
      stdin: "null",
      stdout: "null",
      stderr: "inherit",
    }).spawn(),
  ]));
  const stop = async () => {
    for (const child of children.values()) {
      try {
        child.kill("SIGTERM");
      } catch { /* exited already; its error is on stderr */ }
    }
    await Promise.all([...children.values()].map(async (child) => {
      try {
        await withTimeout(child.status, 25_000, "a bench process exiting");
      } catch {
        try {
          child.kill("SIGKILL");
        } catch { /* gone meanwhile */ }
      }
    }));
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(baseUrl);
    const accounts: ApiClient[] = [];
    let created = 0;
    return {
      pids: new Map([...children].map(([name, child]) => [name, child.pid])),
      baseUrl,
      async createMonitors(count, targetUrl, intervalSeconds) {
        created += count;
        const wanted = Math.min(MAX_ACCOUNTS, Math.ceil(created / MONITORS_PER_ACCOUNT));
        while (accounts.length < wanted) accounts.push(await signedUpClient(baseUrl));
        let next = 0;
        // One create in flight per account: more would only queue on its lock while
        // holding the web's Postgres connections (10) that other accounts' creates need.
        await Promise.all(accounts.map(async (api) => {
          while (next < count) {
            next++;
            await api.website.create.mutate({ url: targetUrl, intervalSeconds, name: "bench" });
          }
        }));
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** fly.toml's `MALLOC_ARENA_MAX` (the run's own environment may set another). */
async function allocatorEnv(): Promise<Record<string, string>> {
  const fly = parse(await Deno.readTextFile(`${root}fly.toml`)) as {
    env?: Record<string, string>;
  };
  const value = fly.env?.MALLOC_ARENA_MAX;
  return value ? { MALLOC_ARENA_MAX: value } : {};
}

/** The arguments after `deno` of each production task ("deno run -A … web/main.ts"). */
async function taskArgs() {
  const { tasks } = JSON.parse(await Deno.readTextFile(`${root}deno.json`));
  const args = (name: string) => (tasks[name] as string).split(/\s+/).slice(1);
  return {
    start: args("start"),
    publisher: args("publisher"),
    worker: args("worker"),
    standalone: args("standalone"),
  };
}

/**
 * With BENCH_PROFILE_DIR set, the publisher and workers write V8 tick logs there
 * (`node --prof-process DIR/worker.log` reads one).
 */
function profileFlags(name: string): string[] {
  const inspect = Deno.env.get("BENCH_INSPECT_" + name.toUpperCase());
  if (inspect) return [`--inspect=127.0.0.1:${inspect}`];
  const dir = Deno.env.get("BENCH_PROFILE_DIR");
  if (!dir || name === "web") return [];
  return [`--v8-flags=--prof,--no-logfile-per-isolate,--logfile=${dir}/${name}.log`];
}

async function waitUntilReady(baseUrl: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the web process at ${baseUrl} was not ready within 60 s`);
}

type ApiClient = ReturnType<typeof createApiClient>;

/** An API client with a cookie jar, signed up as a new user. */
async function signedUpClient(baseUrl: string): Promise<ApiClient> {
  const jar = new Map<string, string>();
  const cookieFetch: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    if (jar.size) headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
    const response = await fetch(input, {
      ...init,
      headers,
      signal: init?.signal ?? AbortSignal.timeout(120_000),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const [name, ...value] = pair.split("=");
      jar.set(name, value.join("="));
    }
    return response;
  };
  const api = createApiClient({ baseUrl, fetch: cookieFetch });
  await api.user.signup.mutate({
    email: `bench-${crypto.randomUUID().slice(0, 8)}@example.com`,
    password: "correct horse battery",
  });
  return api;
}
