/**
 * Local targets for the HTTP check tests: ordinary servers, a server streaming an
 * endless body, one that accepts but never answers, and a bare listener that only
 * counts connections (to prove the SSRF guard sent nothing). All bind loopback
 * addresses on port 0; every `close()` releases every socket for Deno's sanitizers.
 */
import type { CheckRequest } from "../../worker/check/mod.ts";

export interface SeenRequest {
  /** The host the client named: the Host header (HTTP/1.1) or :authority (HTTP/2). */
  authority: string;
  method: string;
  path: string;
  headers: Headers;
  body: string;
}

export interface TestServer {
  port: number;
  /** `http://127.0.0.1:port` (or the server's address) without a trailing slash. */
  origin: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

type Handler = (request: Request, url: URL) => Response | Promise<Response>;

/** A Deno.serve server that records every request it answers. */
export function startServer(
  handler: Handler,
  options: { hostname?: string; cert?: string; key?: string } = {},
): TestServer {
  const hostname = options.hostname ?? "127.0.0.1";
  const requests: SeenRequest[] = [];
  const tls = options.cert && options.key ? { cert: options.cert, key: options.key } : {};
  const server = Deno.serve(
    { hostname, port: 0, onListen() {}, ...tls },
    async (request) => {
      const url = new URL(request.url);
      requests.push({
        authority: url.host,
        method: request.method,
        path: url.pathname + url.search,
        // A copy: an HTTP/2 request's headers are gone once it is answered.
        headers: new Headers(request.headers),
        body: await request.text(),
      });
      return handler(request, url);
    },
  );
  const port = server.addr.port;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return {
    port,
    origin: `${options.cert ? "https" : "http"}://${host}:${port}`,
    requests,
    close: () => server.shutdown(),
  };
}

/** A server whose responses never end; `closed` counts bodies the client abandoned. */
export function startEndlessServer(
  options: { prefix?: string; chunkBytes?: number } = {},
): TestServer & { readonly closed: number; waitForClose(count: number): Promise<void> } {
  let closed = 0;
  const waiters: (() => void)[] = [];
  const chunk = new TextEncoder().encode("x".repeat(options.chunkBytes ?? 64 * 1024));
  const server = startServer(() => {
    let sentPrefix = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sentPrefix && options.prefix) {
          controller.enqueue(new TextEncoder().encode(options.prefix));
        }
        sentPrefix = true;
        controller.enqueue(chunk);
      },
      cancel() {
        closed++;
        waiters.splice(0).forEach((wake) => wake());
      },
    });
    return new Response(body, { headers: { "content-type": "text/plain" } });
  });
  return {
    ...server,
    get closed() {
      return closed;
    },
    /** Resolves once `count` bodies were abandoned; fails (rather than hangs) after 5 s. */
    async waitForClose(count: number) {
      const deadline = performance.now() + 5_000;
      while (closed < count) {
        const left = deadline - performance.now();
        let timer: ReturnType<typeof setTimeout> | undefined;
        const expired = await new Promise<boolean>((wake) => {
          waiters.push(() => wake(false));
          timer = setTimeout(() => wake(true), Math.max(0, left));
        });
        clearTimeout(timer);
        if (expired && closed < count) {
          throw new Error(`the client closed ${closed} of ${count} endless bodies`);
        }
      }
    },
  };
}

/**
 * A raw TCP listener: counts connections and holds them open without answering, so it
 * serves both as "a target that never answers" and as "nothing may connect here".
 */
export function startListener(hostname = "127.0.0.1", port = 0) {
  const listener = Deno.listen({ hostname, port });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    try {
      for await (const conn of listener) held.push(conn);
    } catch {
      // The listener was closed.
    }
  })();
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return {
    port: listener.addr.port,
    origin: `http://${host}:${listener.addr.port}`,
    get connections() {
      return held.length;
    },
    async close() {
      listener.close();
      await accepting;
      for (const conn of held) conn.close();
    },
  };
}

/**
 * A raw TCP server that answers every connection with exactly `response`, for framing
 * no ordinary server produces on demand. With `pieceBytes` the response is written in
 * pieces of that size with a pause between, so the client sees it over many reads.
 */
export function startRawServer(response: string, options: { pieceBytes?: number } = {}) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const bytes = new TextEncoder().encode(response);
  const pieceBytes = options.pieceBytes ?? bytes.length;
  const serving: Promise<void>[] = [];
  const serve = async (conn: Deno.Conn) => {
    try {
      await conn.read(new Uint8Array(64 * 1024));
      for (let offset = 0; offset < bytes.length;) {
        offset += await conn.write(bytes.subarray(offset, offset + pieceBytes));
        if (pieceBytes < bytes.length) await new Promise((wake) => setTimeout(wake, 1));
      }
    } catch {
      // The client hung up first, as it should when the response breaks its limits.
    } finally {
      conn.close();
    }
  };
  const accepting = (async () => {
    for await (const conn of listener) serving.push(serve(conn));
  })().catch(() => {});
  return {
    origin: `http://127.0.0.1:${listener.addr.port}`,
    async close() {
      listener.close();
      await accepting;
      await Promise.all(serving);
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

/** A GET request with the defaults a website gets, overridden where a test needs. */
export function checkRequest(url: string, overrides: Partial<CheckRequest> = {}): CheckRequest {
  return {
    url,
    method: "GET",
    headers: {},
    body: null,
    timeoutMs: 5_000,
    expectedStatus: null,
    keyword: null,
    ...overrides,
  };
}
