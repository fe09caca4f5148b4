/**
 * Wraps the web handler: every request gets an id (Fly's `fly-request-id` when present,
 * else a new one), carried on every log line written while it is handled and returned
 * as `x-request-id`; one `http.request` line and the HTTP metrics when it is answered.
 */
import { log, withLogContext } from "../lib/logger.ts";
import { metrics } from "../lib/metrics.ts";

type Handler = (req: Request, info: Deno.ServeHandlerInfo) => Promise<Response>;

const QUIET_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);
const SAFE_ID = /^[\w-]{8,64}$/;

export function withRequestLog(handler: Handler): Handler {
  return (req, info) => {
    const offered = req.headers.get("fly-request-id") ?? "";
    const requestId = SAFE_ID.test(offered) ? offered : crypto.randomUUID();
    return withLogContext({ requestId }, async () => {
      const began = performance.now();
      let status = 500;
      try {
        const response = await handler(req, info);
        status = response.status;
        try {
          response.headers.set("x-request-id", requestId);
        } catch { /* immutable headers (a WebSocket upgrade, a fetched response) */ }
        return response;
      } finally {
        const seconds = (performance.now() - began) / 1000;
        metrics.httpRequests.inc({ method: req.method, status: String(status) });
        metrics.httpDuration.observe(seconds);
        const path = loggablePath(req.url);
        const write = QUIET_PATHS.has(path) ? log.debug : log.info;
        write("http.request", { method: req.method, path, status, ms: Math.round(seconds * 1000) });
      }
    });
  };
}

/** The path without its query, and without the secret token of a heartbeat URL. */
function loggablePath(url: string): string {
  return new URL(url).pathname.replace(/^(\/api\/heartbeat\/)[^/]+/, "$1***");
}
