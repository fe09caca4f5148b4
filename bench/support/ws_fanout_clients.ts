/**
 * The client side of `bench/api_ws_fanout.ts`, run in a Worker so that receiving does not
 * share the server's event loop: N WebSockets on `/api/ws` subscribed to one website,
 * plus one plain Redis subscriber as the baseline. Every receipt is timed with
 * `performance.timeOrigin + performance.now()`, the clock the publisher uses too.
 */
import { connectRedis } from "../../lib/redis.ts";

export interface FanoutSetup {
  url: string;
  cookie: string;
  websiteId: string;
  sockets: number;
  publishes: number;
  redisUrl: string;
  channel: string;
}

/** Receipt times (ms since epoch): `sockets[seq * N + i]`, `redis[seq]`; NaN = not received. */
export interface FanoutReceipts {
  sockets: Float64Array;
  redis: Float64Array;
}

const now = () => performance.timeOrigin + performance.now();
// Deno's WebSocket takes headers; the DOM lib's constructor type does not know that.
const DenoWebSocket = WebSocket as unknown as new (
  url: string,
  options: { headers: Record<string, string> },
) => WebSocket;

const self = globalThis as unknown as {
  onmessage: (event: MessageEvent) => void;
  postMessage(message: unknown): void;
};

let setup: FanoutSetup;
let receipts: FanoutReceipts;
const open: WebSocket[] = [];
const redis = { sub: null as ReturnType<typeof connectRedis> | null };

self.onmessage = async ({ data }) => {
  if (data.type === "start") {
    setup = data.setup;
    receipts = {
      sockets: new Float64Array(setup.sockets * setup.publishes).fill(NaN),
      redis: new Float64Array(setup.publishes).fill(NaN),
    };
    await subscribeRedis();
    for (let i = 0; i < setup.sockets; i += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, setup.sockets - i) }, (_, k) => connect(i + k)),
      );
    }
    self.postMessage({ type: "ready" });
  } else if (data.type === "count") {
    const received = receipts.sockets.reduce((n, t) => n + (Number.isNaN(t) ? 0 : 1), 0);
    self.postMessage({ type: "count", received });
  } else if (data.type === "finish") {
    for (const socket of open) socket.close();
    redis.sub?.disconnect();
    self.postMessage({ type: "receipts", receipts });
  }
};

async function subscribeRedis() {
  const sub = redis.sub = connectRedis(setup.redisUrl, { name: "bench-baseline" });
  sub.on("message", (_channel: string, message: string) => {
    const at = now();
    receipts.redis[JSON.parse(message).scheduledAt] = at;
  });
  await sub.subscribe(setup.channel);
}

function connect(index: number): Promise<void> {
  const socket = new DenoWebSocket(`${setup.url.replace(/^http/, "ws")}/api/ws`, {
    headers: { cookie: setup.cookie },
  });
  open.push(socket);
  return new Promise((resolve, reject) => {
    socket.onerror = () => reject(new Error(`socket ${index} failed`));
    socket.onopen = () => {
      socket.send(JSON.stringify({ type: "subscribe", websiteIds: [setup.websiteId] }));
    };
    socket.onmessage = (event) => {
      const at = now();
      const message = JSON.parse(event.data);
      if (message.type === "result") {
        receipts.sockets[message.result.scheduledAt * setup.sockets + index] = at;
      } else if (message.type === "subscribed") {
        resolve();
      } else if (message.type === "ping") {
        socket.send(JSON.stringify({ type: "pong" }));
      } else if (message.type === "error") {
        reject(new Error(message.message));
      }
    };
  });
}
