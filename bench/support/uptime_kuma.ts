/**
 * Uptime Kuma, the baseline issue 14 names, run in the same bench run as our system: an
 * installed copy (`BENCH_KUMA_DIR`: a checkout of its release with `npm ci` and `npm run
 * build` done) started with Node on a free port, with SQLite in a temporary folder, and
 * monitors added through its own API, as its web page adds them: Socket.IO events `setup`,
 * `login` and `add` (Engine.IO protocol 4 over a WebSocket, spoken here directly). No
 * browser stays connected while it is measured, as none stays connected to ours.
 */
import { withTimeout } from "../../lib/async.ts";
import { freePort } from "./system_stack.ts";

export interface UptimeKuma {
  pid: number;
  version: string;
  /** Adds `count` HTTP monitors of `url` checked every `intervalSeconds`. */
  createMonitors(count: number, url: string, intervalSeconds: number): Promise<void>;
  stop(): Promise<void>;
}

const USERNAME = "bench";
const PASSWORD = "Bench-Passw0rd-2026!";

/**
 * The fields Uptime Kuma's own form sends for a new HTTP monitor (its EditMonitor page's
 * defaults); the timeout is 80 % of the interval, as the form sets it.
 */
function monitorFields(name: string, url: string, interval: number) {
  return {
    type: "http",
    name,
    parent: null,
    url,
    method: "GET",
    interval,
    retryInterval: interval,
    resendInterval: 0,
    maxretries: 0,
    timeout: Math.floor(interval * 8) / 10,
    notificationIDList: {},
    ignoreTls: false,
    upsideDown: false,
    expiryNotification: false,
    maxredirects: 10,
    accepted_statuscodes: ["200-299"],
    dns_resolve_type: "A",
    dns_resolve_server: "",
    proxyId: null,
    authMethod: null,
    httpBodyEncoding: "json",
    kafkaProducerBrokers: [],
    kafkaProducerSaslOptions: { mechanism: "None" },
    rabbitmqNodes: [],
    conditions: [],
  };
}

/**
 * A Socket.IO client for the default namespace: events with acknowledgements only, the
 * events it is sent ignored.
 */
async function connectSocket(url: string) {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`);
  const acks = new Map<number, (args: unknown[]) => void>();
  let nextId = 0;
  const connected = Promise.withResolvers<void>();
  ws.onmessage = ({ data }) => {
    const packet = String(data);
    if (packet === "2") ws.send("3"); // Engine.IO ping → pong
    // Its handlers are in place once it has sent its first event, `info`.
    else if (packet.startsWith('42["info"')) connected.resolve();
    else if (packet.startsWith("43")) { // Socket.IO ACK: 43<id>[...args]
      const [, id, args] = /^43(\d+)(.*)$/s.exec(packet)!;
      acks.get(Number(id))?.(JSON.parse(args));
      acks.delete(Number(id));
    } else if (packet.startsWith("44")) connected.reject(new Error(packet.slice(2)));
  };
  ws.onerror = () => connected.reject(new Error("Uptime Kuma's socket failed"));
  ws.onopen = () => ws.send("40");
  await withTimeout(connected.promise, 10_000, "Uptime Kuma's socket connecting");
  return {
    /** Emits `event` with `args` and resolves with the first argument of its answer. */
    emit(event: string, ...args: unknown[]): Promise<Record<string, unknown>> {
      const id = nextId++;
      const answered = new Promise<Record<string, unknown>>((resolve) => {
        acks.set(id, ([first]) => resolve(first as Record<string, unknown>));
      });
      ws.send(`42${id}${JSON.stringify([event, ...args])}`);
      return withTimeout(answered, 30_000, `Uptime Kuma answering ${event}`);
    },
    close: () => ws.close(),
  };
}

async function ok(answer: Promise<Record<string, unknown>>, what: string) {
  const result = await answer;
  if (!result?.ok) throw new Error(`Uptime Kuma refused ${what}: ${JSON.stringify(result)}`);
  return result;
}

/** Starts Uptime Kuma from `dir` with `node` (BENCH_KUMA_NODE, default `node` on the PATH). */
export async function startUptimeKuma(dir: string, node = "node"): Promise<UptimeKuma> {
  const { version } = JSON.parse(await Deno.readTextFile(`${dir}/package.json`));
  const dataDir = await Deno.makeTempDir({ prefix: "uptime-kuma-bench-" });
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = new Deno.Command(node, {
    args: ["server/server.js"],
    cwd: dir,
    env: {
      ...Deno.env.toObject(),
      NODE_ENV: "production",
      DATA_DIR: dataDir,
      UPTIME_KUMA_HOST: "127.0.0.1",
      UPTIME_KUMA_PORT: String(port),
      UPTIME_KUMA_DB_TYPE: "sqlite",
    },
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* exited already */ }
    try {
      await withTimeout(child.status, 25_000, "Uptime Kuma exiting");
    } catch {
      child.kill("SIGKILL");
      await child.status;
    }
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  };
  try {
    // It migrates its database before it listens.
    const until = Date.now() + 120_000;
    for (;;) {
      const up = await fetch(url, { signal: AbortSignal.timeout(2_000) })
        .then((r) => (r.body?.cancel(), true), () => false);
      if (up) break;
      if (Date.now() > until) throw new Error("Uptime Kuma did not answer within 120 s");
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  let added = 0;
  return {
    pid: child.pid,
    version,
    async createMonitors(count, target, interval) {
      const socket = await connectSocket(url);
      try {
        if (added === 0) await ok(socket.emit("setup", USERNAME, PASSWORD), "the first user");
        await ok(
          socket.emit("login", { username: USERNAME, password: PASSWORD, token: "" }),
          "login",
        );
        for (let i = 0; i < count; i++) {
          const name = `bench ${++added}`;
          await ok(socket.emit("add", monitorFields(name, target, interval)), `adding ${name}`);
        }
      } finally {
        socket.close();
      }
    },
    stop,
  };
}
