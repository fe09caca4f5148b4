/**
 * Serves `/api/trpc`: refuses methods other than GET and POST, cross-origin writes and
 * oversized bodies before tRPC sees them, resolves the session, and logs unexpected errors
 * once with a request id.
 */
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { type TRPC_ERROR_CODE_KEY, TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { log } from "../../lib/logger.ts";
import type { Services } from "../../services/context.ts";
import { resolveSession } from "../../services/users/sessions.ts";
import { resolveApiToken } from "../../services/api_tokens/resolve.ts";
import { isSecureRequest, readSessionCookie } from "./cookies.ts";
import { appRouter } from "./router.ts";
import { MAX_BATCH_CALLS } from "./limits.ts";
import { isSameOrigin } from "../same_origin.ts";

export const TRPC_ENDPOINT = "/api/trpc";
const MAX_BODY_BYTES = 256 * 1024;
/** Queries are GETs and mutations POSTs; tRPC would call any other method a 415. */
const ALLOWED_METHODS = ["GET", "POST"];

export async function handleTrpc(
  req: Request,
  services: Services,
  ip: string,
): Promise<Response> {
  if (!ALLOWED_METHODS.includes(req.method)) {
    return errorResponse(
      405,
      "METHOD_NOT_SUPPORTED",
      `${req.method} is not allowed: use GET for queries and POST for mutations`,
      { allow: ALLOWED_METHODS.join(", ") },
    );
  }
  const bearer = bearerToken(req);
  // A token is sent on purpose, never by a browser on its own: no cross-site risk.
  if (req.method !== "GET" && bearer === null && !isSameOrigin(req, services.config.appUrl)) {
    return errorResponse(403, "FORBIDDEN", "Cross-origin requests may not change anything");
  }
  let body: Uint8Array<ArrayBuffer> | null = null;
  if (req.body) {
    body = await readCapped(req.body, MAX_BODY_BYTES);
    if (body === null) {
      return errorResponse(413, "PAYLOAD_TOO_LARGE", `Request body over ${MAX_BODY_BYTES} bytes`);
    }
  }
  // A request of our own: tRPC reads `signal`, and Deno.serve's request warns on that.
  const request = new Request(req.url, { method: req.method, headers: req.headers, body });
  // With a token, the cookie is not looked at: a call acts as one account, one way.
  const sessionToken = bearer === null ? readSessionCookie(req) : undefined;
  const requestId = crypto.randomUUID();
  return await fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req: request,
    router: appRouter,
    maxBatchSize: MAX_BATCH_CALLS,
    createContext: async ({ resHeaders }) => {
      const token = bearer === null ? null : await resolveApiToken(services, bearer);
      return {
        services,
        req: request,
        resHeaders,
        ip,
        sessionToken,
        user: bearer === null ? await resolveSession(services, sessionToken) : token?.user ?? null,
        apiToken: bearer !== null,
        readOnly: token?.readOnly ?? false,
        secure: isSecureRequest(req),
      };
    },
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") {
        log.error("api.failed", { requestId, path, error: error.cause ?? error });
      }
    },
  });
}

/**
 * The API token of `Authorization: Bearer upt_…`; null without one. Another bearer (one a
 * self-hoster's auth proxy adds) is not ours: the cookie decides then.
 */
function bearerToken(req: Request): string | null {
  const match = /^Bearer\s+(upt_\S*)\s*$/i.exec(req.headers.get("authorization") ?? "");
  return match ? match[1] : null;
}

async function readCapped(
  body: ReadableStream<Uint8Array>,
  max: number,
): Promise<Uint8Array<ArrayBuffer> | null> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > max) return null;
    chunks.push(chunk);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return all;
}

/** A refusal in the shape of tRPC's own errors, so clients read it the same way. */
function errorResponse(
  status: number,
  code: TRPC_ERROR_CODE_KEY,
  message: string,
  headers: HeadersInit = {},
): Response {
  const data = { code, httpStatus: status };
  return Response.json({ error: { message, code: TRPC_ERROR_CODES_BY_KEY[code], data } }, {
    status,
    headers,
  });
}
