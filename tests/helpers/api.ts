/**
 * The web app in-process on a random port, over a bed of fresh databases, and API
 * clients that keep their own cookies, like separate browsers.
 */
import { TRPCClientError } from "@trpc/client";
import { createWebApp } from "../../web/app.ts";
import { createApiClient } from "../../web/trpc/client.ts";
import type { Services } from "../../services/context.ts";
import { parseConfig } from "../../lib/config.ts";
import { pipelineBed } from "./pipeline.ts";
import { closeLiveHub } from "../../web/live/hub.ts";
import { withTimeout } from "../../lib/async.ts";
import { openReadReplica } from "../../lib/read_replica.ts";
import { readRouting } from "../../web/read_routing.ts";

export async function apiServer(env: Record<string, string> = {}) {
  const bed = await pipelineBed();
  const config = parseConfig({ ...Deno.env.toObject(), ...bed.env, ...env });
  // The region's replica, as web/main.ts opens it, when the test names one.
  const replica = config.databaseReplicaUrl
    ? await openReadReplica(config.databaseReplicaUrl)
    : null;
  const reads = readRouting(config, bed.pg, replica);
  const services: Services = {
    config,
    db: bed.pg.db,
    sql: bed.pg.sql,
    readDb: reads.db,
    readSql: reads.sql,
    redis: bed.redis,
    ch: bed.ch,
    keys: bed.keys,
  };
  const app = await createWebApp({ dev: false, services, reads });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.handler);
  const url = `http://127.0.0.1:${server.addr.port}`;
  return {
    url,
    bed,
    services,
    replica,
    /** A client with a cookie jar of its own. */
    client: () => jarClient(url),
    /** A signed-up user's client. */
    async user(name = "user") {
      const session = this.client();
      const email = `${name}-${crypto.randomUUID().slice(0, 8)}@example.com`;
      const user = await session.api.user.signup.mutate({ email, password: "correct horse 1" });
      return { ...session, user, email };
    },
    async close() {
      await withTimeout(closeLiveHub(services), 10_000, "closing the live hub");
      // The listener closes at once; a connection a browser left open can hold the graceful
      // part for a while, and the next test need not wait for it.
      await withTimeout(server.shutdown(), 10_000, "the web server's shutdown").catch(() => {});
      await withTimeout(app.close(), 10_000, "closing the web app");
      if (replica) await withTimeout(replica.close(), 10_000, "closing the replica");
      await withTimeout(bed.close(), 10_000, "closing the databases");
    },
  };
}

/** An API client and fetch for the app at `url`, keeping cookies like one browser. */
export function jarClient(url: string) {
  const jar = new Map<string, string>();
  const cookieFetch: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    if (jar.size) {
      headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
    }
    // A request the server never answers fails the test instead of hanging it.
    const signal = init?.signal ?? AbortSignal.timeout(30_000);
    const response = await fetch(input, { ...init, headers, signal });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const [name, ...value] = pair.split("=");
      if (/Max-Age=0/i.test(cookie)) jar.delete(name);
      else jar.set(name, value.join("="));
    }
    return response;
  };
  return {
    api: createApiClient({ baseUrl: url, fetch: cookieFetch }),
    jar,
    fetch: cookieFetch,
  };
}

/** The tRPC error code of a failed call (fails when the call succeeds). */
export async function errorCode(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return error.data?.code ?? "UNKNOWN";
    throw error;
  }
  throw new Error("expected the call to fail");
}

/** The message of a failed call (fails when the call succeeds). */
export async function errorMessage(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return `${error.data?.code}: ${error.message}`;
    throw error;
  }
  throw new Error("expected the call to fail");
}
