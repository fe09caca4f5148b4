/**
 * One HTTP/2 request over a TLS socket that negotiated "h2" through ALPN, with
 * node:http2 (nghttp2-grade framing, HPACK and flow control, none of it ours to keep).
 * The session lives for this one request, like the HTTP/1.1 path's connection.
 */
import http2 from "node:http2";
import type { TLSSocket } from "node:tls";
import { CheckFailure } from "./failures.ts";
import type { HttpResponse } from "./http1_client.ts";

export interface Http2Request {
  method: string;
  /** The :authority, host plus port when it is not the default. */
  host: string;
  path: string;
  /** Lowercase names, no connection-specific headers (lib/header_policy.ts reserves them). */
  headers: Record<string, string>;
  body: string | null;
}

/** Sends `request` and resolves once the final response's headers arrive. */
export function sendHttp2Request(
  socket: TLSSocket,
  request: Http2Request,
  signal: AbortSignal,
): Promise<HttpResponse> {
  const session = http2.connect(`https://${request.host}`, { createConnection: () => socket });
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    signal.removeEventListener("abort", close);
    session.destroy();
    socket.destroy();
  };
  signal.addEventListener("abort", close, { once: true });

  return new Promise<HttpResponse>((resolve, reject) => {
    let responded = false;
    const fail = (error: unknown) => {
      if (responded) return;
      responded = true;
      close();
      reject(signal.aborted ? signal.reason : toConnectionFailure(error));
    };
    session.once("error", fail);
    if (signal.aborted) return fail(signal.reason);

    const body = request.body === null ? null : new TextEncoder().encode(request.body);
    const stream = session.request({
      ":method": request.method,
      ":path": request.path,
      ":authority": request.host,
      ":scheme": "https",
      ...request.headers,
      ...(body === null ? {} : { "content-length": String(body.length) }),
    }, { endStream: body === null });
    if (body !== null) stream.end(body);
    stream.once("error", fail);
    stream.once("close", () => {
      fail(
        new CheckFailure(
          "connection",
          `HTTP/2 stream closed before a response (code ${stream.rstCode})`,
        ),
      );
    });
    // "response" fires for the final response only; 1xx arrive as "headers".
    stream.once("response", (head) => {
      if (responded) return;
      responded = true;
      const headers = new Map<string, string>();
      for (const [name, value] of Object.entries(head)) {
        if (name.startsWith(":") || value === undefined) continue;
        headers.set(name, Array.isArray(value) ? value.join(", ") : String(value));
      }
      resolve({
        status: Number(head[":status"]),
        headers,
        body: () => readStream(stream, signal),
        close,
      });
    });
  });
}

async function* readStream(
  stream: http2.ClientHttp2Stream,
  signal: AbortSignal,
): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of stream) yield chunk as Uint8Array;
  } catch (error) {
    throw signal.aborted ? signal.reason : toConnectionFailure(error);
  }
  if (stream.rstCode && stream.rstCode !== http2.constants.NGHTTP2_NO_ERROR) {
    throw new CheckFailure(
      "connection",
      `HTTP/2 stream reset while reading the body (code ${stream.rstCode})`,
    );
  }
}

function toConnectionFailure(error: unknown): unknown {
  if (error instanceof CheckFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CheckFailure("connection", `HTTP/2 error: ${message}`);
}
